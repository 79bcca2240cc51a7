import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { activitySentence, type ActivityEvent } from "@/lib/activity-sentence";
import { AUDIT_EVENT_TYPES } from "@/lib/audit";

const FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const LOOPBACKS = ["::1", "127.0.0.1", "::ffff:127.0.0.1"];
// What the sentence must never show comes from a value rendered carelessly; generated text that
// spells it by chance ("Anulla") would be a false alarm, so the inputs never do.
const RENDERED_BY_MISTAKE = /undefined|null|NaN|\[object/;
// Only the text inside a value is kept clean: null values and numbers still come through.
const textsOf = (value: unknown): string[] =>
  typeof value === "string" ? [value] : value && typeof value === "object" ? Object.entries(value).flatMap(([key, inner]) => [key, ...textsOf(inner)]) : [];
const clean = <T>(arbitrary: fc.Arbitrary<T>) => arbitrary.filter((value) => !textsOf(value).some((text) => RENDERED_BY_MISTAKE.test(text)));
const person = fc.record({
  name: fc.option(clean(fc.stringMatching(/^[A-Z][a-z]{1,8}( [A-Z][a-z]{1,8})?$/))),
  email: clean(fc.stringMatching(/^[a-z][a-z0-9-]{0,12}@[a-z]{1,10}\.example$/)),
});
const event: fc.Arbitrary<ActivityEvent> = fc.record({
  type: fc.constantFrom(...AUDIT_EVENT_TYPES),
  actor: fc.option(person),
  subject: fc.option(person),
  ip: fc.option(fc.oneof(fc.constantFrom(...LOOPBACKS), fc.ipV4(), fc.ipV6(), clean(fc.string()))),
  userAgent: fc.option(fc.oneof(fc.constant(FIREFOX_LINUX), clean(fc.string()))),
  details: fc.oneof(clean(fc.jsonValue()), fc.dictionary(fc.constantFrom("phone", "remaining", "triesLeft", "required", "selfEnabled", "method", "revoked", "delivery", "purpose", "amr", "until", "appName", "clientId"), clean(fc.jsonValue()))),
});

describe("the activity log's sentences", () => {
  it("every event reads as a sentence: no event key, no raw details, no loopback address", () => {
    fc.assert(
      fc.property(event, (e) => {
        const sentence = activitySentence(e);
        expect(sentence).toMatch(/^\S.*\S$/);
        for (const type of AUDIT_EVENT_TYPES) expect(sentence).not.toContain(type);
        expect(sentence).not.toContain("{");
        expect(sentence).not.toMatch(RENDERED_BY_MISTAKE);
        if (e.ip && LOOPBACKS.includes(e.ip)) expect(sentence).not.toContain(e.ip);
      }),
      { numRuns: 2000 },
    );
  });

  it("says who required two-factor authentication for all members", () => {
    const sentence = activitySentence({
      type: "organization.require_two_factor_changed",
      actor: { name: "Ana Li", email: "ana@example.com" },
      subject: null,
      ip: "203.0.113.7",
      userAgent: null,
      details: { required: true, graceUntil: null },
    });
    expect(sentence).toBe("Ana Li (ana@example.com) required two-factor authentication for all members");
  });

  it.each([
    ["sms", "a text message code"],
    ["backup", "a backup code"],
    ["authenticator", "an authenticator app code"],
  ])("says with what a member confirmed it was them at Confirm it's you (%s)", (method, words) => {
    const member = { name: null, email: "member@example.com" };
    const sentence = activitySentence({ type: "two_factor.confirmed", actor: member, subject: member, ip: "::1", userAgent: FIREFOX_LINUX, details: { method } });
    expect(sentence).toBe(`member@example.com confirmed it was them with ${words} from Firefox on Linux`);
  });

  it("says who used a backup code, from which browser, and how many are left, leaving out this computer's address", () => {
    const member = { name: null, email: "member@example.com" };
    const sentence = activitySentence({ type: "two_factor.backup_code_used", actor: member, subject: member, ip: "::1", userAgent: FIREFOX_LINUX, details: { remaining: 9 } });
    expect(sentence).toBe("Backup code used by member@example.com from Firefox on Linux, 9 left");
  });

  it("says which app a member signed out on the Security page", () => {
    const member = { name: null, email: "member@example.com" };
    const event = { type: "oauth.app_revoked", actor: member, subject: member, ip: "::1", userAgent: FIREFOX_LINUX } as const;
    expect(activitySentence({ ...event, details: { clientId: "connect-ios", name: "Connect for iOS" } })).toBe("member@example.com signed out the app “Connect for iOS” from Firefox on Linux");
    expect(activitySentence({ ...event, details: {} })).toBe("member@example.com signed out an app from Firefox on Linux");
  });

  it("shows an address that is not this computer's", () => {
    const member = { name: "Max Member", email: "max@example.com" };
    const sentence = activitySentence({ type: "sign_in.failed", actor: member, subject: member, ip: "203.0.113.7", userAgent: null, details: {} });
    expect(sentence).toBe("Sign-in to Max Member (max@example.com) failed: wrong email or password (IP address 203.0.113.7)");
  });

  it("an event type this version does not know is not shown as its key", () => {
    const sentence = activitySentence({ type: "two_factor.future_thing", actor: null, subject: null, ip: null, userAgent: null, details: { a: 1 } });
    expect(sentence).not.toMatch(/future|two.factor/);
  });

  it("names a sign-in's first factor when it was SSO or an email link, and says nothing of it for a password", () => {
    const signIn = (type: string, amr: unknown) =>
      activitySentence({ type, actor: null, subject: { name: "Sue", email: "sue@example.com" }, ip: null, userAgent: null, details: { amr } });
    expect(signIn("sign_in.second_factor_succeeded", ["oidc", "sms"])).toBe("Sue (sue@example.com) signed in with SSO and two-step authentication");
    expect(signIn("sign_in.succeeded", ["email_link"])).toBe("Sue (sue@example.com) signed in with an email link");
    expect(signIn("sign_in.succeeded", ["pwd"])).toBe("Sue (sue@example.com) signed in");
    expect(signIn("sign_in.succeeded", "oidc")).toBe("Sue (sue@example.com) signed in");
  });
});

describe("an app's sign-in (issue 19)", () => {
  const signedIn = (details: unknown): ActivityEvent => ({ type: "oauth.app_signed_in", actor: null, subject: { name: "Ann Apps", email: "ann@example.com" }, ip: "203.0.113.9", userAgent: null, details });

  it("names the app as recorded, and no client id or odd text", () => {
    expect(activitySentence(signedIn({ clientId: "connect-ios", appName: "Connect for iOS" }))).toBe("Ann Apps (ann@example.com) signed in to Connect for iOS (IP address 203.0.113.9)");
    expect(activitySentence(signedIn({ clientId: "connect-ios", appName: "<b>x</b>" }))).toBe("Ann Apps (ann@example.com) signed in to an app (IP address 203.0.113.9)");
    expect(activitySentence(signedIn({ clientId: "connect-ios" }))).not.toContain("connect-ios");
  });
});
