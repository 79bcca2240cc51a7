import { beginAuthenticatorSetupStep, confirmAuthenticatorSetupStep, removeAuthenticatorAppStep } from "./authenticator";
import { makePreferredMethodStep, removePhoneStep } from "./methods";
import { confirmStep, passkeyConfirmOptionsStep, sendConfirmCodeStep } from "./confirm";
import { addPasskeyStep, passkeyRegistrationOptionsStep, passkeySignInOptionsStep, removePasskeyStep, renamePasskeyStep } from "./passkey";
import { resetMemberStep, revokeMemberDevicesStep } from "./member-admin";
import { finishPhoneAddStep, finishPhoneChangeStep, finishSelfSetupStep, regenerateBackupCodesStep, revokeDeviceStep, sendSelfSetupCodeStep, turnOffTwoFactorStep, verifySelfSetupCodeStep } from "./self-service";
import { beginSecureSetupStep, confirmSecureSetupStep, finishSecureSetupStep } from "./secure-setup";
import { finishSetupStep, sendSetupCodeStep, verifySetupCodeStep } from "./setup";
import { cancelSignInStep, resendChallengeStep, verifyChallengeStep } from "./sign-in-challenge";
import type { Step } from "./step";

/** Every posting step, by the name the route handler takes from the end of its URL. */
export const TWO_FACTOR_STEPS = {
  "challenge/verify": verifyChallengeStep,
  "challenge/resend": resendChallengeStep,
  "challenge/passkey-options": passkeySignInOptionsStep,
  "sign-in/cancel": cancelSignInStep,
  "setup/send": sendSetupCodeStep,
  "setup/verify": verifySetupCodeStep,
  "setup/finish": finishSetupStep,
  "secure-setup/begin": beginSecureSetupStep,
  "secure-setup/confirm": confirmSecureSetupStep,
  "secure-setup/finish": finishSecureSetupStep,
  "confirm/send": sendConfirmCodeStep,
  "confirm/verify": confirmStep,
  "confirm/passkey-options": passkeyConfirmOptionsStep,
  "security/send": sendSelfSetupCodeStep,
  "security/verify": verifySelfSetupCodeStep,
  "security/finish-setup": finishSelfSetupStep,
  "security/finish-phone": finishPhoneChangeStep,
  "security/finish-phone-add": finishPhoneAddStep,
  "security/backup-codes": regenerateBackupCodesStep,
  "security/turn-off": turnOffTwoFactorStep,
  "security/revoke-device": revokeDeviceStep,
  "security/authenticator-begin": beginAuthenticatorSetupStep,
  "security/authenticator-confirm": confirmAuthenticatorSetupStep,
  "security/authenticator-remove": removeAuthenticatorAppStep,
  "security/preferred-method": makePreferredMethodStep,
  "security/phone-remove": removePhoneStep,
  "security/passkey-options": passkeyRegistrationOptionsStep,
  "security/passkey-add": addPasskeyStep,
  "security/passkey-rename": renamePasskeyStep,
  "security/passkey-remove": removePasskeyStep,
  "members/reset": resetMemberStep,
  "members/revoke-devices": revokeMemberDevicesStep,
} as const satisfies Record<string, Step>;

export type TwoFactorStepName = keyof typeof TWO_FACTOR_STEPS;

export function isTwoFactorStepName(name: string): name is TwoFactorStepName {
  return Object.hasOwn(TWO_FACTOR_STEPS, name);
}

export type { Step, StepAnswer, StepHost, StepInput } from "./step";
