import { formatDuration } from "./duration";
import type { EmailSender } from "./email/sender";
import type { TwoFactorRequirement } from "./organizations";

/** What a member is told by email. Never a code, a token or a full phone number. */
export type MemberNotice =
  | { kind: "two_factor_set_up"; phoneMasked: string }
  | { kind: "phone_changed"; phoneMasked: string }
  | { kind: "two_factor_reset" }
  | { kind: "trusted_devices_revoked" }
  | { kind: "backup_code_used"; remaining: number }
  | { kind: "device_trusted"; browser: string; trustedForMs: number }
  | { kind: "second_factor_locked"; until: Date; where: "sign_in" | "confirm" }
  | { kind: "requirement_changed"; changedBy: string; from: TwoFactorRequirement; to: TwoFactorRequirement };

const FOOTER = "\n\nIf this was not you, change your password and contact your organization's admin.";

const utcTime = (date: Date) => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** The requirement in words, with a grace period's end in UTC (no long run of digits). */
export function describeRequirement(setting: TwoFactorRequirement): string {
  if (!setting.required) return "not required";
  if (!setting.graceUntil) return "required at each member's next sign-in";
  return `required, members may skip setting it up until ${utcTime(setting.graceUntil)}`;
}

export function noticeEmail(notice: MemberNotice): { subject: string; text: string } {
  switch (notice.kind) {
    case "two_factor_set_up":
      return {
        subject: "Two-step authentication is on",
        text: `Two-step authentication has been enabled on your Connect account with the phone ${notice.phoneMasked}. From now on, when you sign in on a new device, we'll ask for your password and a code texted to that phone.${FOOTER}`,
      };
    case "phone_changed":
      return {
        subject: "Your two-step phone number changed",
        text: `The phone number for two-step authentication on your Connect account is now ${notice.phoneMasked}. Your trusted devices were signed out of two-step verification.${FOOTER}`,
      };
    case "two_factor_reset":
      return {
        subject: "An admin reset your two-step authentication",
        text: `An admin of your organization reset two-step authentication on your Connect account. Your sessions and trusted devices ended. If your organization requires it, you will set it up again at your next sign-in.${FOOTER}`,
      };
    case "trusted_devices_revoked":
      return {
        subject: "Your trusted devices were revoked",
        text: `An admin of your organization revoked your trusted devices. Your next sign-in on each device will ask for a verification code.${FOOTER}`,
      };
    case "backup_code_used":
      return {
        subject: "A backup code was used to sign in",
        text: `A backup code was used to sign in to your Connect account. You have ${notice.remaining} backup code${notice.remaining === 1 ? "" : "s"} left.${notice.remaining <= 3 ? " Create a new set on your Security page soon." : ""}${FOOTER}`,
      };
    case "device_trusted":
      return {
        subject: "A new device is trusted",
        text: `A new device (${notice.browser}) signed in to your Connect account and was trusted for ${formatDuration(notice.trustedForMs)}: it will not be asked for a verification code. You can revoke it on your Security page.${FOOTER}`,
      };
    case "second_factor_locked":
      return {
        subject: "Two-step verification on your account is locked",
        text: `Too many wrong verification codes or backup codes were entered ${notice.where === "confirm" ? "on the \"Confirm it's you\" page of" : "when signing in to"} your Connect account, so two-step verification is locked until ${utcTime(notice.until)}. Whoever tried knew your password.${FOOTER}`,
      };
    case "requirement_changed":
      return {
        subject: "Your organization's two-step authentication requirement changed",
        text: `${notice.changedBy} changed "Require two-factor authentication for all members" from ${describeRequirement(notice.from)} to ${describeRequirement(notice.to)}.\n\nIf this change was not expected, review it in Account Settings and its Activity log.`,
      };
  }
}

/** Best effort, after the change has committed: a failed email never undoes or blocks the change. */
export async function notifyMember(sender: EmailSender, to: string, notice: MemberNotice): Promise<boolean> {
  const email = noticeEmail(notice);
  const sent = await sender.send({ to, ...email }).catch(() => ({ ok: false as const }));
  if (!sent.ok) console.warn(`notification ${notice.kind} could not be emailed`);
  return sent.ok;
}

/** Tells the organization's owners of a change of its requirement: who made it, from what to what. */
export function notifyRequirementChange(
  sender: EmailSender,
  change: { actorEmail: string; ownerEmails: string[]; from: TwoFactorRequirement; to: TwoFactorRequirement },
): Promise<boolean[]> {
  const notice = { kind: "requirement_changed", changedBy: change.actorEmail, from: change.from, to: change.to } as const;
  return Promise.all(change.ownerEmails.map((owner) => notifyMember(sender, owner, notice)));
}

/** A short browser name from a user agent, for emails and the devices list. */
export function browserName(userAgent: string | null): string {
  if (!userAgent) return "an unknown browser";
  const browser = /Edg\/|EdgiOS\/|EdgA\//.test(userAgent)
    ? "Edge"
    : /Firefox\/|FxiOS\//.test(userAgent)
      ? "Firefox"
      : /Chrome\/|Chromium\/|CriOS\//.test(userAgent)
        ? "Chrome"
        : /Safari\//.test(userAgent)
          ? "Safari"
          : "a browser";
  // iOS user agents also say "like Mac OS X": look for the device first.
  const os = /iPhone|iPad|iPod/.test(userAgent)
    ? "iOS"
    : /Android/.test(userAgent)
      ? "Android"
      : /Windows/.test(userAgent)
        ? "Windows"
        : /Mac OS X/.test(userAgent)
          ? "macOS"
          : /Linux/.test(userAgent)
            ? "Linux"
            : null;
  return os ? `${browser} on ${os}` : browser;
}
