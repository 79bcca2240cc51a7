import { afterEach, describe, expect, it, vi } from "vitest";
import type { EmailMessage, EmailSender } from "@/lib/email/sender";
import { browserName, noticeEmail, notifyMember, type MemberNotice } from "@/lib/notifications";
import { DEFAULT_TWO_FACTOR_OPTIONS } from "@/lib/two-factor/options";
import { maskPhone } from "@/lib/two-factor/phone-number";

const PHONE = "+14155550123";
const NATIONAL = "4155550123";
const masked = maskPhone(PHONE);
const trustedForMs = DEFAULT_TWO_FACTOR_OPTIONS.trustedDeviceTtlMs;

const ALL_NOTICES: MemberNotice[] = [
  { kind: "two_factor_set_up", phoneMasked: masked },
  { kind: "phone_changed", phoneMasked: masked },
  { kind: "authenticator_added", replaced: false },
  { kind: "authenticator_added", replaced: true },
  { kind: "authenticator_removed" },
  { kind: "two_factor_reset" },
  { kind: "trusted_devices_revoked" },
  { kind: "backup_code_used", remaining: 0 },
  { kind: "backup_code_used", remaining: 1 },
  { kind: "backup_code_used", remaining: 9 },
  { kind: "device_trusted", browser: browserName("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"), trustedForMs },
  { kind: "second_factor_locked", until: new Date("2026-12-05T10:15:00Z"), where: "sign_in" },
  { kind: "requirement_changed", changedBy: "admin@example.test", from: { required: true, graceUntil: null }, to: { required: true, graceUntil: new Date("2026-12-05T10:00:00Z") } },
];

describe("noticeEmail", () => {
  it.each([
    ["two_factor_set_up", { kind: "two_factor_set_up", phoneMasked: masked }, /two-step authentication is on/i, /enabled/i],
    ["phone_changed", { kind: "phone_changed", phoneMasked: masked }, /phone number changed/i, /is now/i],
    ["authenticator_added", { kind: "authenticator_added", replaced: false }, /authenticator app was added/i, /authenticator app was added to two-step authentication on your Connect account\. You can now sign in/],
    ["authenticator_added", { kind: "authenticator_added", replaced: true }, /authenticator app was added/i, /replaces the app you had before, whose codes no longer work/],
    ["authenticator_removed", { kind: "authenticator_removed" }, /authenticator app was removed/i, /its codes no longer work/],
    ["two_factor_reset", { kind: "two_factor_reset" }, /admin reset your two-step authentication/i, /reset two-step authentication/i],
    ["trusted_devices_revoked", { kind: "trusted_devices_revoked" }, /trusted devices were revoked/i, /revoked your trusted devices/i],
    ["backup_code_used", { kind: "backup_code_used", remaining: 4 }, /backup code was used/i, /backup code was used to sign in/i],
    ["device_trusted", { kind: "device_trusted", browser: "Firefox on Linux", trustedForMs }, /new device is trusted/i, /trusted for 30 days/i],
    ["second_factor_locked", { kind: "second_factor_locked", until: new Date("2026-12-05T10:15:00Z"), where: "sign_in" }, /two-step verification .* is locked/i, /when signing in to your Connect account, so two-step verification is locked until 2026-12-05 10:15 UTC/],
    ["second_factor_locked", { kind: "second_factor_locked", until: new Date("2026-12-05T10:15:00Z"), where: "confirm" }, /two-step verification .* is locked/i, /on the "Confirm it's you" page of your Connect account, so two-step verification is locked until 2026-12-05 10:15 UTC/],
  ] as [string, MemberNotice, RegExp, RegExp][])("%s: the subject and the text name what happened", (_, notice, subject, text) => {
    const email = noticeEmail(notice);
    expect(email.subject).toMatch(subject);
    expect(email.text).toMatch(text);
    // every notice tells the member what to do if it was not them
    expect(email.text).toMatch(/If this was not you/);
  });

  it("the setup and phone-change emails show the phone masked", () => {
    for (const kind of ["two_factor_set_up", "phone_changed"] as const) {
      const { text } = noticeEmail({ kind, phoneMasked: masked });
      expect(text).toContain(masked);
      expect(text).toContain("23");
    }
  });

  it("the backup-code email says how many codes are left, and to make new ones when few are", () => {
    expect(noticeEmail({ kind: "backup_code_used", remaining: 9 }).text).toContain("You have 9 backup codes left.");
    expect(noticeEmail({ kind: "backup_code_used", remaining: 9 }).text).not.toMatch(/Create a new set/);
    expect(noticeEmail({ kind: "backup_code_used", remaining: 3 }).text).toMatch(/You have 3 backup codes left\. Create a new set on your Security page/);
    expect(noticeEmail({ kind: "backup_code_used", remaining: 1 }).text).toContain("You have 1 backup code left.");
    expect(noticeEmail({ kind: "backup_code_used", remaining: 0 }).text).toMatch(/You have 0 backup codes left\. Create a new set/);
  });

  it("the trusted-device email says how long the device is trusted, as configured", () => {
    expect(noticeEmail({ kind: "device_trusted", browser: "Safari on macOS", trustedForMs }).text).toContain("was trusted for 30 days:");
    expect(noticeEmail({ kind: "device_trusted", browser: "Safari on macOS", trustedForMs: 7 * 86_400_000 }).text).toContain("was trusted for 7 days:");
    expect(noticeEmail({ kind: "device_trusted", browser: "Safari on macOS", trustedForMs: 12 * 3_600_000 }).text).toContain("was trusted for 12 hours:");
  });

  it("the trusted-device email names the browser", () => {
    expect(noticeEmail({ kind: "device_trusted", browser: "Safari on macOS", trustedForMs }).text).toContain("(Safari on macOS)");
  });

  it.each(ALL_NOTICES.map((n) => [n.kind, n] as const))("%s: no code (a run of 6 digits) and no full phone number in the subject or text", (_, notice) => {
    const { subject, text } = noticeEmail(notice);
    for (const part of [subject, text]) {
      expect(part).not.toMatch(/\d{6}/);
      expect(part).not.toContain(PHONE);
      expect(part).not.toContain(NATIONAL);
      expect(part).not.toMatch(/\d{5}/); // not even a long part of a number
    }
  });
});

describe("notifyMember", () => {
  afterEach(() => vi.restoreAllMocks());

  const sender = (behaviour: (message: EmailMessage) => ReturnType<EmailSender["send"]>) => {
    const sent: EmailMessage[] = [];
    return { sent, send: (message: EmailMessage) => (sent.push(message), behaviour(message)) };
  };

  it("sends the notice to the member", async () => {
    const s = sender(async () => ({ ok: true }));
    expect(await notifyMember(s, "member@example.test", { kind: "two_factor_reset" })).toBe(true);
    expect(s.sent).toEqual([{ to: "member@example.test", ...noticeEmail({ kind: "two_factor_reset" }) }]);
  });

  it("a failed or crashing email is reported as false, never thrown, and the log names only the kind", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const failing = sender(async () => ({ ok: false, reason: "unavailable", detail: "smtp down" }));
    expect(await notifyMember(failing, "member@example.test", { kind: "phone_changed", phoneMasked: masked })).toBe(false);
    const crashing = sender(async () => {
      throw new Error("connection reset");
    });
    expect(await notifyMember(crashing, "member@example.test", { kind: "backup_code_used", remaining: 2 })).toBe(false);
    const logged = warn.mock.calls.flat().join(" ");
    expect(logged).toContain("phone_changed");
    expect(logged).not.toContain("member@example.test");
  });
});

describe("browserName", () => {
  it.each([
    ["Chrome on Windows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"],
    ["Edge on Windows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87"],
    ["Firefox on Windows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"],
    ["Firefox on Linux", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"],
    ["Chrome on Linux", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"],
    ["Safari on macOS", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"],
    ["Chrome on macOS", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"],
    ["Firefox on macOS", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0"],
    ["Chrome on Android", "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36"],
    ["Safari on iOS", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"],
    ["Safari on iOS", "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"],
    ["Chrome on iOS", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1"],
  ])("%s: %s", (expected, userAgent) => {
    expect(browserName(userAgent)).toBe(expected);
  });

  it("no user agent, or one it does not know, gives a plain description", () => {
    expect(browserName(null)).toBe("an unknown browser");
    expect(browserName("")).toBe("an unknown browser");
    expect(browserName("curl/8.5.0")).toBe("a browser");
    expect(browserName("SomeBot/1.0 (Windows)")).toBe("a browser on Windows");
  });
});
