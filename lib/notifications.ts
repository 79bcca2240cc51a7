import type { EmailSender } from "./email/sender";
import type { TwoFactorRequirement } from "./organizations";
import { DEFAULT_TWO_FACTOR_OPTIONS } from "./two-factor/options";
import { sendNotice, twoFactorNoticeEmail, utcTime, type NoticeEmail, type TwoFactorNotice } from "./two-factor/notices";

export { browserName } from "./two-factor/browser-name";

/**
 * What a member is told by email: the plugin's notices of their second factor (their texts are
 * the plugin's, lib/two-factor/notices.ts) and the portal's own. Never a code, a token or a full
 * phone number.
 */
export type MemberNotice =
  | TwoFactorNotice
  | { kind: "requirement_changed"; changedBy: string; from: TwoFactorRequirement; to: TwoFactorRequirement };

/** The product name in the portal's notices: the plugin's `appName`, which the portal leaves at its default. */
const APP_NAME = DEFAULT_TWO_FACTOR_OPTIONS.appName;

/** The requirement in words, with a grace period's end in UTC (no long run of digits). */
export function describeRequirement(setting: TwoFactorRequirement): string {
  if (!setting.required) return "not required";
  if (!setting.graceUntil) return "required at each member's next sign-in";
  return `required, members may skip setting it up until ${utcTime(setting.graceUntil)}`;
}

export function noticeEmail(notice: MemberNotice): NoticeEmail {
  if (notice.kind !== "requirement_changed") return twoFactorNoticeEmail(notice, APP_NAME);
  return {
    subject: "Your organization's two-step authentication requirement changed",
    text: `${notice.changedBy} changed "Require two-factor authentication for all members" from ${describeRequirement(notice.from)} to ${describeRequirement(notice.to)}.\n\nIf this change was not expected, review it in Account Settings and its Activity log.`,
  };
}

/** Best effort, after the change has committed: a failed email never undoes or blocks the change. */
export function notifyMember(sender: EmailSender, to: string, notice: MemberNotice): Promise<boolean> {
  return sendNotice(sender, to, noticeEmail(notice), notice.kind);
}

/** Tells the organization's owners of a change of its requirement: who made it, from what to what. */
export function notifyRequirementChange(
  sender: EmailSender,
  change: { actorEmail: string; ownerEmails: string[]; from: TwoFactorRequirement; to: TwoFactorRequirement },
): Promise<boolean[]> {
  const notice = { kind: "requirement_changed", changedBy: change.actorEmail, from: change.from, to: change.to } as const;
  return Promise.all(change.ownerEmails.map((owner) => notifyMember(sender, owner, notice)));
}
