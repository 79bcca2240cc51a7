import type { AuditEventType } from "./audit";
import { browserName } from "./notifications";

export interface ActivityPerson {
  name: string | null;
  email: string;
}

/** One row of the activity log as lib/activity.ts reads it. */
export interface ActivityEvent {
  /** An AuditEventType, or a type an older or newer version wrote. */
  type: string;
  actor: ActivityPerson | null;
  subject: ActivityPerson | null;
  ip: string | null;
  userAgent: string | null;
  details: unknown;
}

const LOOPBACK = /^(::1|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|0:0:0:0:0:0:0:1)$/i;
const IP = /^[0-9a-f:.]{2,45}$/i;
/** Masked numbers only ("••• ••• ••34"): anything else in the details is not shown. */
const MASKED_PHONE = /^[\d\s+•*().-]{1,32}$/;

function person(who: ActivityPerson | null, nobody: string): string {
  if (!who) return nobody;
  return who.name?.trim() ? `${who.name.trim()} (${who.email})` : who.email;
}

function detail(event: ActivityEvent, key: string): unknown {
  const details = event.details;
  return details && typeof details === "object" && !Array.isArray(details) ? (details as Record<string, unknown>)[key] : undefined;
}

function count(event: ActivityEvent, key: string): number | null {
  const value = detail(event, key);
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

function phone(event: ActivityEvent): string {
  const value = detail(event, "phone");
  return typeof value === "string" && MASKED_PHONE.test(value) ? value : "a phone number";
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** " from Firefox on Linux (IP address 203.0.113.7)": the request's browser and address; the server's own address is left out. */
function from(event: ActivityEvent): string {
  const browser = event.userAgent ? ` from ${browserName(event.userAgent)}` : "";
  const ip = event.ip && IP.test(event.ip) && !LOOPBACK.test(event.ip) ? ` (IP address ${event.ip})` : "";
  return browser || ip ? `${browser}${ip}` : "";
}

const actor = (e: ActivityEvent) => person(e.actor, "someone");
const subject = (e: ActivityEvent) => person(e.subject ?? e.actor, "someone");
const CODE_METHODS: Record<string, string> = { backup: "a backup code", authenticator: "an authenticator app code" };
const codeMethod = (e: ActivityEvent) => {
  const method = String(detail(e, "method"));
  return Object.hasOwn(CODE_METHODS, method) ? CODE_METHODS[method]! : "a text message code";
};
const PREFERRED_METHODS: Record<string, string> = { sms: "SMS", authenticator: "the authenticator app", passkey: "passkeys" };
const preferredMethod = (e: ActivityEvent) => {
  const method = detail(e, "method");
  return typeof method === "string" && Object.hasOwn(PREFERRED_METHODS, method) ? PREFERRED_METHODS[method]! : "a method";
};

/** The app's name as recorded (lib/oauth-portal/interaction.ts), when it reads as a name. */
const appName = (e: ActivityEvent) => {
  const name = detail(e, "appName");
  return typeof name === "string" && /^[\p{L}\p{N} .,'’()&-]{1,80}$/u.test(name) ? name : "an app";
};

/** Each event type's name in the log's filter. */
export const ACTIVITY_EVENT_NAMES: Record<AuditEventType, string> = {
  "sign_in.succeeded": "Signed in",
  "sign_in.failed": "Sign-in failed",
  "organization.require_two_factor_changed": "Requirement for all members changed",
  "organization.allowed_methods_changed": "Allowed methods changed",
  "two_factor.code_sent": "Code texted",
  "two_factor.code_send_failed": "Code could not be texted",
  "two_factor.code_failed": "Wrong code",
  "two_factor.locked": "Locked out after wrong codes",
  "two_factor.phone_added": "Phone number added",
  "two_factor.phone_verified": "Phone number verified",
  "two_factor.enabled": "Two-step authentication set up",
  "two_factor.backup_code_used": "Backup code used",
  "two_factor.backup_code_failed": "Wrong backup code",
  "two_factor.trusted_device_added": "Device trusted",
  "two_factor.trusted_device_used": "Trusted device used",
  "sign_in.second_factor_succeeded": "Signed in with two-step authentication",
  "two_factor.reset_by_admin": "Two-step authentication reset by an admin",
  "two_factor.trusted_devices_revoked": "Trusted devices revoked by an admin",
  "two_factor.trusted_device_revoked": "Trusted device revoked",
  "two_factor.backup_codes_regenerated": "New backup codes made",
  "two_factor.phone_changed": "Phone number changed",
  "two_factor.disabled": "Two-step authentication turned off",
  "two_factor.confirmed": "Identity confirmed",
  "two_factor.authenticator_added": "Authenticator app added",
  "two_factor.authenticator_removed": "Authenticator app removed",
  "two_factor.authenticator_code_failed": "Wrong authenticator code",
  "two_factor.phone_removed": "Phone number removed",
  "two_factor.preferred_method_changed": "Preferred method changed",
  "two_factor.passkey_added": "Passkey added",
  "two_factor.passkey_renamed": "Passkey renamed",
  "two_factor.passkey_removed": "Passkey removed",
  "two_factor.passkey_used": "Passkey used",
  "two_factor.passkey_refused": "Passkey refused",
  "password_reset.requested": "Password reset requested",
  "password_reset.completed": "Password changed",
  "oauth.app_signed_in": "App signed in",
  "oauth.app_revoked": "App signed out",
};

/** " with SSO" or " with an email link": the sign-in's first factor, when it was not the password. */
function firstFactor(event: ActivityEvent): string {
  const amr = detail(event, "amr");
  if (!Array.isArray(amr)) return "";
  if (amr.includes("oidc") || amr.includes("oauth")) return " with SSO";
  if (amr.includes("email_link")) return " with an email link";
  return "";
}

/** ` named “Work laptop”`: a passkey's name from the event's details, when it has one. */
function named(event: ActivityEvent, joiner = " named "): string {
  const name = detail(event, "name");
  return typeof name === "string" && name.length > 0 ? `${joiner}“${name}”` : "";
}

/** Each event type's sentence: a type without one fails the type check. */
const SENTENCES: Record<AuditEventType, (event: ActivityEvent) => string> = {
  "sign_in.succeeded": (e) => `${subject(e)} signed in${firstFactor(e)}${from(e)}`,
  "sign_in.failed": (e) => `Sign-in to ${subject(e)} failed: wrong email or password${from(e)}`,
  "organization.require_two_factor_changed": (e) =>
    detail(e, "required") === true
      ? `${actor(e)} required two-factor authentication for all members`
      : `${actor(e)} stopped requiring two-factor authentication for all members`,
  "organization.allowed_methods_changed": (e) => {
    if (detail(e, "to") !== "secure") return `${actor(e)} allowed any two-step method again (SMS, authenticator app, passkey)`;
    const until = detail(e, "graceUntil");
    const grace = typeof until === "string" ? `, members with only SMS may use it until ${until.slice(0, 10)}` : "";
    return `${actor(e)} allowed only secure methods (authenticator app or passkey)${grace}`;
  },
  "two_factor.code_sent": (e) => `Verification code texted to ${phone(e)} for ${subject(e)}${from(e)}`,
  "two_factor.code_send_failed": (e) => `A verification code for ${subject(e)} could not be texted to ${phone(e)}`,
  "two_factor.code_failed": (e) => {
    const left = count(e, "triesLeft");
    return `Wrong verification code entered by ${subject(e)}${from(e)}${left === null ? "" : `, ${plural(left, "try", "tries")} left`}`;
  },
  "two_factor.locked": (e) => `${subject(e)} was locked out of two-step authentication after too many wrong codes`,
  "two_factor.phone_added": (e) => `${subject(e)} added the phone number ${phone(e)}`,
  "two_factor.phone_verified": (e) => `${subject(e)} verified the phone number ${phone(e)}`,
  "two_factor.enabled": (e) =>
    detail(e, "selfEnabled") === true
      ? `${subject(e)} turned on two-step authentication`
      : `${subject(e)} set up two-step authentication`,
  "two_factor.backup_code_used": (e) => {
    const left = count(e, "remaining");
    return `Backup code used by ${subject(e)}${from(e)}${left === null ? "" : `, ${left} left`}`;
  },
  "two_factor.backup_code_failed": (e) => `Wrong backup code entered by ${subject(e)}${from(e)}`,
  "two_factor.trusted_device_added": (e) => `${subject(e)} trusted a device${from(e)}`,
  "two_factor.trusted_device_used": (e) => `${subject(e)} skipped the code on a trusted device${from(e)}`,
  "sign_in.second_factor_succeeded": (e) => `${subject(e)} signed in${firstFactor(e) ? `${firstFactor(e)} and` : " with"} two-step authentication${from(e)}`,
  "two_factor.reset_by_admin": (e) => `${actor(e)} reset two-step authentication for ${subject(e)}`,
  "two_factor.trusted_devices_revoked": (e) => {
    const revoked = count(e, "revoked");
    return `${actor(e)} revoked ${revoked === null ? "the trusted devices" : plural(revoked, "trusted device", "trusted devices")} of ${subject(e)}`;
  },
  "two_factor.trusted_device_revoked": (e) => `${subject(e)} revoked a trusted device`,
  "two_factor.backup_codes_regenerated": (e) => `${subject(e)} made new backup codes`,
  "two_factor.phone_changed": (e) => `${subject(e)} changed the phone number to ${phone(e)}`,
  "two_factor.disabled": (e) => `${subject(e)} turned off two-step authentication`,
  "two_factor.confirmed": (e) => `${subject(e)} confirmed it was them with ${codeMethod(e)}${from(e)}`,
  "two_factor.authenticator_added": (e) =>
    `${subject(e)} ${detail(e, "replaced") === true ? "replaced the authenticator app with a new one" : "added an authenticator app"}${from(e)}`,
  "two_factor.authenticator_removed": (e) => `${subject(e)} removed the authenticator app${from(e)}`,
  "two_factor.authenticator_code_failed": (e) => `Wrong authenticator app code entered by ${subject(e)}${from(e)}`,
  "two_factor.phone_removed": (e) => `${subject(e)} removed the phone number ${phone(e)} from two-step authentication${from(e)}`,
  "two_factor.preferred_method_changed": (e) => `${subject(e)} made ${preferredMethod(e)} their preferred verification method${from(e)}`,
  "two_factor.passkey_added": (e) => `${subject(e)} added a passkey${named(e)}${from(e)}`,
  "two_factor.passkey_renamed": (e) => `${subject(e)} renamed a passkey${named(e, " to ")}${from(e)}`,
  "two_factor.passkey_removed": (e) => `${subject(e)} removed a passkey${named(e)}${from(e)}`,
  "two_factor.passkey_used": (e) => `${subject(e)} verified with a passkey${named(e)}${from(e)}`,
  "two_factor.passkey_refused": (e) =>
    detail(e, "reason") === "counter"
      ? `A passkey of ${subject(e)}${named(e)} was refused: its signature counter went back, as a copied security key's would${from(e)}`
      : `A passkey answer for ${subject(e)} was refused${from(e)}`,
  "password_reset.requested": (e) =>
    `Password reset requested for ${subject(e)}${from(e)}${detail(e, "delivery") === "failed" ? ", but the email could not be sent" : ""}`,
  "password_reset.completed": (e) => `${subject(e)} set a new password${from(e)}`,
  "oauth.app_signed_in": (e) => `${subject(e)} signed in to ${appName(e)}${from(e)}`,
  "oauth.app_revoked": (e) => `${subject(e)} signed out ${typeof detail(e, "name") === "string" ? `the app “${String(detail(e, "name"))}”` : "an app"}${from(e)}`,
};

/** The activity log's sentence for one event, in words: never an event key, raw details or the server's own address. */
export function activitySentence(event: ActivityEvent): string {
  const sentence = Object.hasOwn(SENTENCES, event.type)
    ? SENTENCES[event.type as AuditEventType](event)
    : `An event this version of Connect has no words for, about ${subject(event)}`;
  return sentence.replace(/^someone/, "Someone");
}
