// The plugin's React entry point: its components and the helpers a host's pages use with them.
// Browser-safe (no database, no Node.js module, no Next.js); the components that hold state are
// client components ("use client" in their files), the rest render on either side.
// Each takes `classNames` (its slots, merged over its own Tailwind classes) and its steps as props.
export type { ActionState } from "./action-state";
export { AuthenticatorApp, type AuthenticatorAppProps, type AuthenticatorIntent } from "./react/authenticator-app";
export { BackupCodes } from "./react/backup-codes";
export { Button } from "./react/button";
export { CancelSignIn } from "./react/cancel-sign-in";
export { Challenge, type ChallengeNotice, type ChallengeProps } from "./react/challenge";
export { slotClass, slotClasses, type ClassNames, type TwoFactorSlot } from "./react/class-names";
export { CodeField } from "./react/code-field";
export { ConfirmSecondFactor, type ConfirmSecondFactorProps } from "./react/confirm-second-factor";
export { EnrollmentProgress } from "./react/enrollment-progress";
export { Field } from "./react/field";
export { FormMessage } from "./react/form-message";
export type { Navigate } from "./react/navigation";
export { METHOD_LABELS, offeredMethods, type ChallengeMethod } from "./react/other-methods";
export { PreferredMethod, SECURITY_METHOD_NAMES, type SecurityMethod } from "./react/preferred-method";
export { AddPasskey } from "./react/passkey-add";
export { createPasskey, PASSKEY_BROWSER_MESSAGES, signWithPasskey, type Ceremony } from "./react/passkey-ceremony";
export { PasskeyChallengeForm, type PasskeyChallengeFormProps } from "./react/passkey-challenge-form";
export { Passkeys, type PasskeyIntent, type PasskeyRow, type PasskeysProps } from "./react/passkeys";
export { ResendButton } from "./react/resend-button";
export { RevokeDevice } from "./react/revoke-device";
export { postTwoFactorStep, TRANSPORT_MESSAGES, twoFactorRouteAction, type PostStepOptions, type RouteActionOptions, type StepAction, type TransportMessages, type TwoFactorStep } from "./react/route-action";
export { SecurityActions, type SecurityActionsProps, type SecurityIntent } from "./react/security-actions";
export { SecureSetupFlow, type SecureSetupFlowProps } from "./react/secure-setup-flow";
export { SetupFlow, type SetupFlowProps } from "./react/setup-flow";
export { SmsMethod, type SmsIntent, type SmsMethodProps } from "./react/sms-method";
export { TimeZoneField, useBrowserTimeZone } from "./react/time-zone";
export { TrustedDevices, type TrustedDeviceRow } from "./react/trusted-devices";
export { VerifyPhoneDialog } from "./react/verify-phone-dialog";
