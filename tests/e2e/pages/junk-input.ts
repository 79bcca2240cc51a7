import type { BrowserContext } from "@playwright/test";
import fc from "fast-check";
import { sealData } from "iron-session";
import { E2E_SECRETS } from "../env";
import { PENDING_COOKIE } from "./fault-member";

/**
 * Generated junk for the bad-input specs, as it reaches the server: already percent-encoded, so
 * the encodings a browser never sends (NUL, invalid UTF-8, an encoded lone surrogate, a broken
 * escape) arrive as written.
 */
export const RAW_PIECES = [
  "%00", "%01", "%1F", "%7F", "%C2%85", "%C3%28", "%ED%A0%80", "%ED%BF%BF", "%F0%28%8C%28", "%FF", "%FE%FF", "%E0%A4", "%",
  "%Z", "%ZZ", "%EF%BF%BD", "%0D%0A", "1e300", "-1", "0", "1.5", "Infinity", "NaN", "99999999999999999999", "0x10", "+", "%2B",
  "%20", "%26", "%3D", "sign_in.failed", "owner%40example.com", "'", "%22", "%3C", "\\",
] as const;

const encodedBytes = fc.uint8Array({ minLength: 1, maxLength: 12 }).map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, "0").toUpperCase()}`).join(""));
const plain = fc.stringMatching(/^[A-Za-z0-9._~-]{1,8}$/);

/** One percent-encoded value: a mix of the pieces above, raw bytes and plain text, or a very long run. */
export const rawText = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.oneof(fc.constantFrom(...RAW_PIECES), encodedBytes, plain), { minLength: 1, maxLength: 8 }).map((parts) => parts.join("")) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom("a", "%00", "%C3%28", "9"), fc.integer({ min: 300, max: 2_500 })).map(([piece, n]) => piece.repeat(n)) },
);

/** A query string of one to four of these names, each with a junk value (names may repeat). */
export function junkQuery(names: readonly string[]) {
  return fc
    .array(fc.tuple(fc.constantFrom(...names), rawText), { minLength: 1, maxLength: 4 })
    .map((pairs) => `?${pairs.map(([name, value]) => `${name}=${value}`).join("&")}`);
}

const FIELD_NAMES = ["method", "code", "backupCode", "trustDevice", "csrfToken", "callbackUrl", "0", "1_$ACTION_ID_0", "$ACTION_REF_1", "json"];
const decoded = (raw: string) => Buffer.from(raw.replace(/%([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), "latin1");
const fields = fc.array(fc.tuple(fc.constantFrom(...FIELD_NAMES), rawText), { maxLength: 4 });

/** A request body and the Content-Type it claims, right or wrong. */
export const junkBody = fc.record({
  // Forms (multipart) weigh double: they are what the server parses before any code of the app runs.
  contentType: fc.constantFrom(
    "multipart/form-data; boundary=zz",
    "multipart/form-data; boundary=zz",
    "multipart/form-data",
    "multipart/form-data",
    "application/x-www-form-urlencoded",
    "application/json",
    "text/plain;charset=UTF-8",
    "text/x-component",
    "garbage/garbage; boundary=",
  ),
  body: fc.oneof(
    { weight: 3, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)) },
    { weight: 3, arbitrary: fields.map((pairs) => Buffer.from(pairs.map(([name, value]) => `${name}=${value}`).join("&"))) },
    {
      weight: 3,
      arbitrary: fields.map((pairs) =>
        Buffer.concat([
          ...pairs.map(([name, value]) => Buffer.concat([Buffer.from(`--zz\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`), decoded(value), Buffer.from("\r\n")])),
          Buffer.from("--zz--\r\n"),
        ]),
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom(17 * 1024, 1024 * 1024 + 1).map((size) => Buffer.alloc(size, 0x61)) },
  ),
  /** Mostly none: a made-up action id only gets "not found" from Next.js. */
  nextAction: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-f]{2,42}$/) }),
});

/**
 * A pending sign-in cookie for a user id that exists nowhere, sealed with the e2e server's
 * SESSION_PASSWORD (tests/e2e/env.ts): it lets junk reach the verify route's body parsing while
 * no real account can be touched.
 */
export async function pendingCookieOfNobody(): Promise<string> {
  const sealed = await sealData(
    { userId: "00000000-0000-4000-8000-00000000dead", nonce: "n".repeat(43), stage: "challenge", createdAt: Date.now(), returnTo: "/" },
    { password: E2E_SECRETS.SESSION_PASSWORD, ttl: 600 },
  );
  return `${PENDING_COOKIE}=${sealed}`;
}

/** What the organization's owner sees of it: the requirement, the members table and the activity log. */
export async function organizationSnapshot(owner: BrowserContext): Promise<{ required: boolean; members: string; activity: string }> {
  const page = await owner.newPage();
  try {
    await page.goto("/account-settings");
    const required = await page.getByLabel("Require two-factor authentication for all members").isChecked();
    const members = await page.getByRole("table").innerText();
    await page.goto("/account-settings/activity");
    // Each time is read from its datetime attribute: its text is UTC in the server's HTML and the
    // browser's own zone once hydrated, and a snapshot may be taken on either side of that.
    const activity = await page.getByRole("list", { name: "Activity, newest first" }).evaluate((list) => {
      const copy = list.cloneNode(true) as HTMLElement;
      for (const time of copy.querySelectorAll("time")) time.textContent = time.getAttribute("datetime");
      return copy.textContent ?? "";
    });
    return { required, members, activity };
  } finally {
    await page.close();
  }
}
