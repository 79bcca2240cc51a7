// GET /api/v1/security: the member's own security, as the Security page shows it (lib/queries/
// security.ts), for the app: whether 2FA is required and by whom, the methods set up (the phone
// masked), the preferred one, backup codes left, trusted devices and signed-in apps, and what the
// organization accepts. Counts and flags only: nothing here signs anyone in.
import { listAppSignIns } from "../oauth/grants";
import type { ApiDeps, ApiMember } from "../oauth-portal/api-caller";
import { maskPhone } from "../two-factor";
import { countUnusedBackupCodes } from "../two-factor/backup-codes";
import type { AllowedMethods } from "../two-factor/host";
import { challengeMethods } from "../two-factor/methods";
import { loadSecondFactorState } from "../two-factor/policy";
import type { PreferredSecondFactor } from "../two-factor/schema";
import { listTrustedDevices } from "../two-factor/trusted-devices";
import { portalTwoFactorHost } from "../two-factor-host";

export interface ApiSecuritySummary {
  twoFactor: {
    /** A second factor is asked at sign-in now. */
    required: boolean;
    /** Who asks: the organization, the member themselves, or nobody. */
    requiredBy: "organization" | "member" | null;
    /** The organization requires it and the member may still skip setting it up until then (ISO 8601), else null. */
    graceUntil: string | null;
    /** Some second factor is set up. */
    enrolled: boolean;
  };
  methods: {
    sms: { phone: string } | null;
    authenticatorApp: boolean;
    passkeys: number;
  };
  /** The method sign-in opens with, or null. */
  preferredMethod: PreferredSecondFactor | null;
  backupCodesRemaining: number;
  trustedDevices: number;
  signedInApps: number;
  /** What the member's organization accepts, or null outside an organization. */
  organization: { allowedMethods: AllowedMethods; smsAcceptedUntil: string | null } | null;
}

/** The summary, or null when the account went away after the token was checked. */
export async function loadApiSecuritySummary(member: ApiMember, deps: Pick<ApiDeps, "db" | "clock">): Promise<ApiSecuritySummary | null> {
  const { db } = deps;
  const now = deps.clock.now();
  const state = await loadSecondFactorState({ db, host: portalTwoFactorHost }, member.userId, now);
  if (!state) return null;
  const [backupCodesRemaining, devices, apps] = await Promise.all([
    countUnusedBackupCodes(db, member.userId),
    listTrustedDevices(db, member.userId, undefined, now),
    listAppSignIns(db, member.userId, now),
  ]);
  const [first] = state.enrolled ? challengeMethods(state, now) : [];
  return {
    twoFactor: {
      required: state.required,
      requiredBy: state.requiredByOrganization ? "organization" : state.selfEnabled ? "member" : null,
      graceUntil: state.inGracePeriod && state.graceUntil ? state.graceUntil.toISOString() : null,
      enrolled: state.enrolled,
    },
    methods: {
      sms: state.methods.sms && state.phoneE164 ? { phone: maskPhone(state.phoneE164) } : null,
      authenticatorApp: state.methods.authenticator,
      passkeys: state.methods.passkeys,
    },
    preferredMethod: first && first !== "backup" ? first : null,
    backupCodesRemaining,
    trustedDevices: devices.length,
    signedInApps: apps.length,
    organization: state.organizationId
      ? { allowedMethods: state.allowedMethods, smsAcceptedUntil: state.allowedMethods === "secure" ? (state.secureMethodsGraceUntil?.toISOString() ?? null) : null }
      : null,
  };
}
