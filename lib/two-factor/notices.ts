import { formatDuration } from "../duration";
import type { EmailSender } from "../email/sender";

/** What a member is told by email of their second factor. Never a code, a token or a full phone number. */
export type TwoFactorNotice =
  | { kind: "two_factor_set_up"; phoneMasked: string }
  | { kind: "phone_changed"; phoneMasked: string }
  | { kind: "authenticator_added"; replaced: boolean }
  | { kind: "authenticator_removed" }
  | { kind: "phone_removed"; phoneMasked: string }
  | { kind: "phone_added"; phoneMasked: string }
  | { kind: "passkey_added"; name: string }
  | { kind: "passkey_removed"; name: string }
  | { kind: "two_factor_reset" }
  | { kind: "trusted_devices_revoked" }
  | { kind: "backup_code_used"; remaining: number }
  | { kind: "device_trusted"; browser: string; trustedForMs: number }
  | { kind: "second_factor_locked"; until: Date; where: "sign_in" | "confirm" };

export interface NoticeEmail {
  subject: string;
  text: string;
}

export const NOTICE_FOOTER = "\n\nIf this was not you, change your password and contact your organization's admin.";

/** A time in UTC to the minute ("2026-12-05 10:15 UTC"): no long run of digits. */
export const utcTime = (date: Date) => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** The notice's email; `appName` (the option) names the product the account is on. */
export function twoFactorNoticeEmail(notice: TwoFactorNotice, appName: string): NoticeEmail {
  const account = `your ${appName} account`;
  switch (notice.kind) {
    case "two_factor_set_up":
      return {
        subject: "Two-step authentication is on",
        text: `Two-step authentication has been enabled on ${account} with the phone ${notice.phoneMasked}. From now on, when you sign in on a new device, we'll ask for your password and a code texted to that phone.${NOTICE_FOOTER}`,
      };
    case "phone_changed":
      return {
        subject: "Your two-step phone number changed",
        text: `The phone number for two-step authentication on ${account} is now ${notice.phoneMasked}. Your trusted devices were signed out of two-step verification.${NOTICE_FOOTER}`,
      };
    case "authenticator_added":
      return {
        subject: "An authenticator app was added",
        text: `An authenticator app was added to two-step authentication on ${account}${notice.replaced ? "; it replaces the app you had before, whose codes no longer work" : ""}. You can now sign in with a code from that app instead of a texted one.${NOTICE_FOOTER}`,
      };
    case "authenticator_removed":
      return {
        subject: "Your authenticator app was removed",
        text: `The authenticator app was removed from two-step authentication on ${account}: its codes no longer work. You will verify with your other method.${NOTICE_FOOTER}`,
      };
    case "phone_added":
      return {
        subject: "A phone was added to two-step authentication",
        text: `The phone ${notice.phoneMasked} was added to two-step authentication on ${account}: you can now also sign in with a code texted to it. You have a new set of backup codes, and your trusted devices were signed out of two-step verification.${NOTICE_FOOTER}`,
      };
    case "phone_removed":
      return {
        subject: "Your phone was removed from two-step authentication",
        text: `The phone ${notice.phoneMasked} was removed from two-step authentication on ${account}: codes are no longer texted to it. You will verify with your other method.${NOTICE_FOOTER}`,
      };
    case "passkey_added":
      return {
        subject: "A passkey was added",
        text: `A passkey or security key named “${notice.name}” was added to two-step authentication on ${account}. You can now sign in with it instead of a code.${NOTICE_FOOTER}`,
      };
    case "passkey_removed":
      return {
        subject: "A passkey was removed",
        text: `The passkey or security key named “${notice.name}” was removed from two-step authentication on ${account}: it no longer signs in.${NOTICE_FOOTER}`,
      };
    case "two_factor_reset":
      return {
        subject: "An admin reset your two-step authentication",
        text: `An admin of your organization reset two-step authentication on ${account}. Your sessions and trusted devices ended. If your organization requires it, you will set it up again at your next sign-in.${NOTICE_FOOTER}`,
      };
    case "trusted_devices_revoked":
      return {
        subject: "Your trusted devices were revoked",
        text: `An admin of your organization revoked your trusted devices. Your next sign-in on each device will ask for a verification code.${NOTICE_FOOTER}`,
      };
    case "backup_code_used":
      return {
        subject: "A backup code was used to sign in",
        text: `A backup code was used to sign in to ${account}. You have ${notice.remaining} backup code${notice.remaining === 1 ? "" : "s"} left.${notice.remaining <= 3 ? " Create a new set on your Security page soon." : ""}${NOTICE_FOOTER}`,
      };
    case "device_trusted":
      return {
        subject: "A new device is trusted",
        text: `A new device (${notice.browser}) signed in to ${account} and was trusted for ${formatDuration(notice.trustedForMs)}: it will not be asked for a verification code. You can revoke it on your Security page.${NOTICE_FOOTER}`,
      };
    case "second_factor_locked":
      return {
        subject: "Two-step verification on your account is locked",
        text: `Too many wrong verification codes or backup codes were entered ${notice.where === "confirm" ? "on the \"Confirm it's you\" page of" : "when signing in to"} ${account}, so two-step verification is locked until ${utcTime(notice.until)}. Whoever tried knew your password.${NOTICE_FOOTER}`,
      };
  }
}

/**
 * Sends one notice, best effort, after the change has committed: a failed email never undoes or
 * blocks the change. `kind` names it in the warning (never the address or the text).
 */
export async function sendNotice(sender: EmailSender, to: string, email: NoticeEmail, kind: string): Promise<boolean> {
  const sent = await sender.send({ to, ...email }).catch(() => ({ ok: false as const }));
  if (!sent.ok) console.warn(`notification ${kind} could not be emailed`);
  return sent.ok;
}

/** Emails the member one of the plugin's notices. */
export function notifyMemberOf(sender: EmailSender, to: string, notice: TwoFactorNotice, appName: string): Promise<boolean> {
  return sendNotice(sender, to, twoFactorNoticeEmail(notice, appName), notice.kind);
}
