import { cookies, headers } from "next/headers";
import { sessionPassword } from "../config/secrets";
import type { CookieInstruction } from "../two-factor/cookies";
import type { PendingSignIn } from "../two-factor/pending-sign-in";
import { portalCookies } from "./portal-cookies";

/** The edge's half of a flow's answer: sets (or clears) each cookie the core described. */
export async function applyCookies(instructions: readonly CookieInstruction[]): Promise<void> {
  if (instructions.length === 0) return;
  const jar = await cookies();
  for (const { name, value, attributes } of instructions) jar.set(name, value, attributes);
}

export async function readPendingSignIn(): Promise<PendingSignIn | null> {
  return portalCookies.pendingSignIn.read(await cookies(), sessionPassword(), Date.now());
}

export async function writePendingSignIn(pending: PendingSignIn): Promise<void> {
  await applyCookies([await portalCookies.pendingSignIn.set(pending, sessionPassword())]);
}

export async function clearPendingSignIn(): Promise<void> {
  await applyCookies([portalCookies.pendingSignIn.clear()]);
}

export async function writeSignInEmail(email: string): Promise<void> {
  await applyCookies([portalCookies.signInEmail.set(email)]);
}

export async function readSignInEmail(): Promise<string | undefined> {
  return portalCookies.signInEmail.read(await cookies());
}

export async function readDeviceToken(): Promise<string | undefined> {
  return portalCookies.trustedDevice.read(await cookies());
}

export async function requestHost(): Promise<string | null> {
  return (await headers()).get("host");
}
