import fs from "node:fs";
import path from "node:path";
import {
  expect,
  request as playwrightRequest,
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  type Cookie,
  type Page,
} from "@playwright/test";
import { E2E_USERS } from "../seed";
import { SignInPage } from "./sign-in-page";
import { fakeVonageMessages } from "../../fakes/vonage-client";
import { ChallengePage, SetupPage } from "./two-factor-pages";

/**
 * The security specs' own user: fault-member@example.com (organization "Fault Co", requirement
 * off), made 2FA-enrolled through its Security page. What the specs learn about it in a run (the
 * backup codes shown, a trusted-device cookie, a pending sign-in) is kept in a state file per
 * server port, so the specs (and a worker restarted after a failure) do not spend more of its
 * 5 codes an hour than they must.
 */
export const FAULT = {
  email: E2E_USERS.faultMember,
  name: "Fay Fault",
  organization: "Fault Co",
  phone: "+14155552673",
} as const;

/** A second user (seeded in Fault Co), enrolled on first use, for the "another user" cases. */
export const PEER = {
  email: E2E_USERS.faultPeer,
  phone: "+14155552674",
} as const;

/** What only a signed-in user's pages show: none of it may reach someone without a full sign-in. */
export const SIGNED_IN_MARKERS = [
  FAULT.email,
  FAULT.name,
  FAULT.organization,
  "Signed in as",
  "signed-in-email",
  "Sign out",
  "two-factor-status",
  "Backup codes left",
  "Trusted devices",
  "Require two-factor authentication for all members",
  "Continue to the portal",
] as const;

export function signedInMarkersIn(body: string): string[] {
  return SIGNED_IN_MARKERS.filter((marker) => body.includes(marker));
}

export const PENDING_COOKIE = "__Host-c2fa-pending";
export const DEVICE_COOKIE = "__Host-c2fa-device";

interface FaultState {
  /** fault-member's backup codes, shown when it was enrolled in this run. */
  backupCodes: string[];
  usedBackupCodes: string[];
  userId: string | null;
  /** The session of the browser that enrolled it (amr: password only). */
  sessionCookies: Cookie[];
  deviceCookie: Cookie | null;
  pending: { cookies: Cookie[]; createdAt: number } | null;
  peerBackupCodes: string[];
}

const emptyState = (): FaultState => ({
  backupCodes: [],
  usedBackupCodes: [],
  userId: null,
  sessionCookies: [],
  deviceCookie: null,
  pending: null,
  peerBackupCodes: [],
});

const portOf = (baseURL: string) => new URL(baseURL).port;

function stateFile(baseURL: string) {
  return path.join(".test-data", `e2e-security-${portOf(baseURL)}.json`);
}

export function readState(baseURL: string): FaultState {
  try {
    return { ...emptyState(), ...(JSON.parse(fs.readFileSync(stateFile(baseURL), "utf8")) as Partial<FaultState>) };
  } catch {
    return emptyState();
  }
}

export function updateState(baseURL: string, change: Partial<FaultState>): FaultState {
  const next = { ...readState(baseURL), ...change };
  fs.mkdirSync(".test-data", { recursive: true });
  fs.writeFileSync(stateFile(baseURL), JSON.stringify(next, null, 2));
  return next;
}

/** The app server's log, teed by tests/e2e/server.ts. */
export function serverLogFile(baseURL: string) {
  return path.join(".test-data", `e2e-server-${portOf(baseURL)}.log`);
}

/** Where the password step landed: the portal, the challenge or the setup. */
export async function afterPassword(page: Page): Promise<"portal" | "challenge" | "setup"> {
  const portal = page.getByTestId("signed-in-email");
  const challenge = page.getByRole("heading", { name: "Two-step verification" });
  const setup = page.getByLabel("Phone number", { exact: true });
  await expect(portal.or(challenge).or(setup).first()).toBeVisible();
  if (await portal.isVisible()) return "portal";
  if (await challenge.isVisible()) return "challenge";
  return "setup";
}

export async function submitPassword(page: Page, email: string, callbackUrl?: string) {
  const signIn = new SignInPage(page);
  await signIn.goto(callbackUrl === undefined ? "/sign-in" : `/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  await signIn.submit(email);
}

/** How many SMS the fake Vonage has accepted for this phone so far. */
export async function smsCount(vonageUrl: string, phone: string): Promise<number> {
  const digits = phone.replace(/\D/g, "");
  return (await fakeVonageMessages(vonageUrl)).filter((m) => m.to.replace(/\D/g, "") === digits).length;
}

/** The code of the next SMS to this phone after `before` messages, waiting for it to arrive. */
export async function nextCode(vonageUrl: string, phone: string, before: number): Promise<string> {
  const digits = phone.replace(/\D/g, "");
  let code = "";
  await expect
    .poll(async () => {
      const messages = (await fakeVonageMessages(vonageUrl)).filter((m) => m.to.replace(/\D/g, "") === digits);
      code = messages.length > before ? (/(?<!\d)\d{6}(?!\d)/.exec(messages[before]!.text)?.[0] ?? "") : "";
      return code;
    }, { message: `an SMS to ${phone} (its account may have used up its 5 codes an hour)` })
    .not.toBe("");
  return code;
}

/** Enrolls the signed-in user of this page with the given phone through the Security page; returns the backup codes shown. */
async function enrollThroughSecurityPage(page: Page, phone: string, vonageUrl: string): Promise<string[]> {
  await page.goto("/security");
  const setup = new SetupPage(page);
  const before = await smsCount(vonageUrl, phone);
  await setup.sendCode(phone);
  await expect(setup.dialog()).toBeVisible();
  await setup.verify(await nextCode(vonageUrl, phone, before));
  const codes = await setup.backupCodes();
  expect(codes).toHaveLength(10);
  await setup.finish();
  await expect(page.getByRole("status").filter({ hasText: "Two-step authentication has been enabled!" })).toBeVisible();
  return codes;
}

/**
 * Whether these cookies are a live session of fault-member on this server. User ids are random
 * per database, so a session kept from an earlier run's server (same AUTH_SECRET) is refused.
 */
async function liveSession(browser: Browser, baseURL: string, cookies: Cookie[]): Promise<boolean> {
  if (cookies.length === 0) return false;
  const context = await browser.newContext({ baseURL });
  try {
    await context.addCookies(cookies);
    const page = await context.newPage();
    await page.goto("/");
    const email = page.getByTestId("signed-in-email");
    return (await email.count()) > 0 && (await email.textContent()) === FAULT.email;
  } finally {
    await context.close();
  }
}

/**
 * Makes fault-member 2FA-enrolled on this server, once per run (a server starts on a fresh
 * database), keeping its backup codes and the enrolling browser's session in the state file.
 * Checking costs no SMS: the kept session is asked for the home page.
 */
export async function ensureFaultMemberEnrolled(browser: Browser, baseURL: string, vonageUrl: string): Promise<FaultState> {
  // The state file is rewritten whenever fault-member is enrolled on a fresh database, so a
  // kept session that still works means the kept backup codes belong to this database.
  const kept = readState(baseURL);
  if (kept.backupCodes.length > 0 && (await liveSession(browser, baseURL, kept.sessionCookies))) return kept;
  const context = await browser.newContext({ baseURL });
  try {
    const page = await context.newPage();
    await submitPassword(page, FAULT.email);
    const landed = await afterPassword(page);
    if (landed === "challenge") throw new Error(`${FAULT.email} is enrolled but ${stateFile(baseURL)} does not say so: delete it and restart the servers`);
    expect(landed).toBe("portal");
    const session = (await (await context.request.get("/api/auth/session")).json()) as { user?: { id?: string } };
    const backupCodes = await enrollThroughSecurityPage(page, FAULT.phone, vonageUrl);
    const sessionCookies = (await context.cookies()).filter((c) => c.name.includes("session-token"));
    // A new database: whatever the state file held belonged to an earlier run.
    return updateState(baseURL, { ...emptyState(), backupCodes, userId: session.user?.id ?? null, sessionCookies });
  } finally {
    await context.close();
  }
}

/** The next unused backup code of fault-member, marked used. */
export function takeBackupCode(baseURL: string): string {
  const state = readState(baseURL);
  const code = state.backupCodes.find((c) => !state.usedBackupCodes.includes(c));
  if (!code) throw new Error("no unused backup code of fault-member left");
  updateState(baseURL, { usedBackupCodes: [...state.usedBackupCodes, code] });
  return code;
}

/** A browser context holding a pending sign-in of the user: password done, second factor not. */
export async function pendingContext(browser: Browser, baseURL: string, email: string = FAULT.email): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await submitPassword(page, email);
  await new ChallengePage(page).expectShown();
  await expect(page).toHaveURL(/\/two-factor\/challenge/);
  await page.close();
  return context;
}

/**
 * The cookies of a pending sign-in of fault-member, reused across tests while it is young
 * (each password step texts a code, and the account may have 5 an hour).
 */
export async function pendingCookies(browser: Browser, baseURL: string): Promise<Cookie[]> {
  const cached = readState(baseURL).pending;
  if (cached && Date.now() - cached.createdAt < 6 * 60_000) return cached.cookies;
  const createdAt = Date.now();
  const context = await pendingContext(browser, baseURL);
  const cookies = await context.cookies();
  await context.close();
  expect(cookies.map((c) => c.name)).toContain(PENDING_COOKIE);
  updateState(baseURL, { pending: { cookies, createdAt } });
  return cookies;
}

/** Completes the challenge on this page with a backup code; with `trust`, keeps the device cookie. */
export async function completeWithBackupCode(page: Page, baseURL: string, trust = true) {
  await new ChallengePage(page).useBackupCode(takeBackupCode(baseURL), { trust });
  await expect(page.getByTestId("signed-in-email")).toHaveText(FAULT.email);
  if (trust) {
    const device = (await page.context().cookies()).find((c) => c.name === DEVICE_COOKIE);
    expect(device).toBeDefined();
    updateState(baseURL, { deviceCookie: device! });
  }
}

/**
 * A browser context with a new session of fault-member: through this run's trusted-device cookie
 * when there is one (no SMS), else through a backup code (trusting the new device). With
 * `shared`, the session of the enrolling browser (amr: password only) is reused instead: never
 * sign it out.
 */
export async function signedInContext(browser: Browser, baseURL: string, { shared = false } = {}): Promise<BrowserContext> {
  const state = readState(baseURL);
  const context = await browser.newContext({ baseURL });
  if (shared && state.sessionCookies.length > 0) {
    await context.addCookies(state.sessionCookies);
    return context;
  }
  const page = await context.newPage();
  if (state.deviceCookie) await context.addCookies([state.deviceCookie]);
  await submitPassword(page, FAULT.email);
  if ((await afterPassword(page)) === "challenge") await completeWithBackupCode(page, baseURL);
  await expect(page.getByTestId("signed-in-email")).toHaveText(FAULT.email);
  await page.close();
  return context;
}

/** Cookie header for an API request context that keeps no cookie jar of its own. */
export function cookieHeader(cookies: Pick<Cookie, "name" | "value">[]): string {
  return cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

/** An API client without cookies of its own, following no redirects: what a script would send. */
export function rawClient(baseURL: string): Promise<APIRequestContext> {
  return playwrightRequest.newContext({ baseURL, maxRedirects: 0 });
}

/**
 * Whether the peer user for the "another user" cases is seeded; when it is, makes it enrolled
 * (once per run, after ensureFaultMemberEnrolled). A missing peer costs one failed sign-in.
 */
/** Enrolls the peer through its Security page once per run (its backup codes are kept in the state file). */
export async function ensurePeerEnrolled(browser: Browser, baseURL: string, vonageUrl: string): Promise<void> {
  if (readState(baseURL).peerBackupCodes.length > 0) return;
  const context = await browser.newContext({ baseURL });
  try {
    const page = await context.newPage();
    await submitPassword(page, PEER.email);
    await expect(page.getByTestId("signed-in-email")).toHaveText(PEER.email);
    updateState(baseURL, { peerBackupCodes: await enrollThroughSecurityPage(page, PEER.phone, vonageUrl) });
  } finally {
    await context.close();
  }
}
