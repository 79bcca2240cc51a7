import { sealData } from "iron-session";
import { cookies, headers } from "next/headers";
import { sessionPassword } from "../config/secrets";
import { unsealIron } from "../iron-unseal";
import { secureCookies } from "./secure-cookies";
import {
  PENDING_SIGN_IN_TTL_SECONDS,
  pendingSignInCookieName,
  sealPendingSignIn,
  unsealPendingSignIn,
  type PendingSignIn,
} from "../two-factor/pending-sign-in";
import { trustedDeviceCookieName } from "../two-factor/trusted-devices";

// __Host- cookies must be Secure, path "/", and carry no Domain: bound to this exact origin.
const base = () => ({ httpOnly: true, secure: secureCookies(), sameSite: "lax" as const, path: "/" });

export async function readPendingSignIn(): Promise<PendingSignIn | null> {
  const value = (await cookies()).get(pendingSignInCookieName(secureCookies()))?.value;
  return unsealPendingSignIn(value, sessionPassword(), Date.now());
}

export async function writePendingSignIn(pending: PendingSignIn): Promise<void> {
  const sealed = await sealPendingSignIn(pending, sessionPassword());
  (await cookies()).set(pendingSignInCookieName(secureCookies()), sealed, { ...base(), maxAge: PENDING_SIGN_IN_TTL_SECONDS });
}

export async function clearPendingSignIn(): Promise<void> {
  (await cookies()).set(pendingSignInCookieName(secureCookies()), "", { ...base(), maxAge: 0 });
}

// The email typed at sign-in, kept while a two-step sign-in may still end, so "Sign in again" does
// not make the member type it again. Not a secret; never read for anything but that prefill.
const signInEmailCookieName = () => (secureCookies() ? "__Host-c2fa-sign-in-email" : "c2fa-sign-in-email");

export async function writeSignInEmail(email: string): Promise<void> {
  (await cookies()).set(signInEmailCookieName(), email, { ...base(), maxAge: 2 * PENDING_SIGN_IN_TTL_SECONDS });
}

export async function readSignInEmail(): Promise<string | undefined> {
  const value = (await cookies()).get(signInEmailCookieName())?.value;
  return value && value.length <= 254 ? value : undefined;
}

export async function readDeviceToken(): Promise<string | undefined> {
  return (await cookies()).get(trustedDeviceCookieName(secureCookies()))?.value;
}

export async function writeDeviceToken(token: string, expiresAt: Date): Promise<void> {
  (await cookies()).set(trustedDeviceCookieName(secureCookies()), token, { ...base(), expires: expiresAt });
}

export async function requestHost(): Promise<string | null> {
  return (await headers()).get("host");
}

const confirmationCookieName = () => (secureCookies() ? "__Host-c2fa-confirmed" : "c2fa-confirmed");

/** When this session last confirmed its second factor (ms), or null. Bound to user and session. */
export async function readConfirmation(userId: string, authTime: number): Promise<number | null> {
  const value = (await cookies()).get(confirmationCookieName())?.value;
  if (!value) return null;
  try {
    const data = ((await unsealIron(value, sessionPassword(), Date.now())) ?? {}) as { userId?: string; authTime?: number; at?: number };
    return data.userId === userId && data.authTime === authTime && typeof data.at === "number" ? data.at : null;
  } catch {
    return null;
  }
}

export async function writeConfirmation(userId: string, authTime: number, at: number): Promise<void> {
  const sealed = await sealData({ userId, authTime, at }, { password: sessionPassword(), ttl: 600 });
  (await cookies()).set(confirmationCookieName(), sealed, { ...base(), maxAge: 600 });
}
