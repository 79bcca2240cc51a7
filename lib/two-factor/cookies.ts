import { sealData } from "iron-session";
import { isPromiseLike, type MaybePromise } from "../edge-crypto";
import { unsealIron } from "../iron-unseal";
import { DEFAULT_TWO_FACTOR_OPTIONS, type TwoFactorOptions } from "./options";
import { PENDING_SIGN_IN_TTL_SECONDS, pendingSignInOf, type PendingSignIn } from "./pending-sign-in";

/**
 * Every cookie of the two-factor flow: its name, attributes and codec. Edge-safe (the middleware
 * reads the pending sign-in): no Node-only module, no Next.js. The core describes cookies as
 * instructions; the host's edge (a server action, a route handler) applies them.
 */

export interface CookieAttributes {
  httpOnly: boolean;
  secure: boolean;
  sameSite: "lax";
  path: string;
  /** Seconds; 0 clears the cookie. */
  maxAge?: number;
  expires?: Date;
}

/** One cookie to set (or, with an empty value and `maxAge: 0`, to clear). */
export interface CookieInstruction {
  name: string;
  value: string;
  attributes: CookieAttributes;
}

/** What a cookie reader needs of a request: Next.js's `cookies()` and `request.cookies` fit. */
export interface CookieReader {
  get(name: string): { value: string } | undefined;
}

/** The cookies' names and attributes; the lives default to the options' defaults (10 minutes each). */
export type CookieSettings = Pick<TwoFactorOptions, "cookiePrefix" | "secureCookies"> & Partial<Pick<TwoFactorOptions, "pendingSignInTtlMs" | "confirmationTtlMs">>;

/** How long "Confirm it's you" counts as a recent second factor: the option's default, in seconds. */
export const CONFIRMATION_TTL_SECONDS = DEFAULT_TWO_FACTOR_OPTIONS.confirmationTtlMs / 1000;
const MAX_EMAIL_LENGTH = 254;

export type TwoFactorCookies = ReturnType<typeof twoFactorCookies>;

/** The flow's cookies for these settings; build it once per host, not per request. */
export function twoFactorCookies(settings: CookieSettings) {
  const { secureCookies: secure, cookiePrefix } = settings;
  const pendingTtlMs = settings.pendingSignInTtlMs ?? PENDING_SIGN_IN_TTL_SECONDS * 1000;
  const pendingTtlSeconds = Math.ceil(pendingTtlMs / 1000);
  const confirmationTtlSeconds = Math.ceil((settings.confirmationTtlMs ?? CONFIRMATION_TTL_SECONDS * 1000) / 1000);
  // __Host- cookies must be Secure, path "/", and carry no Domain: bound to this exact origin.
  const nameOf = (suffix: string) => `${secure ? "__Host-" : ""}${cookiePrefix}-${suffix}`;
  const base: CookieAttributes = { httpOnly: true, secure, sameSite: "lax", path: "/" };
  const set = (name: string, value: string, lifetime: { maxAge: number } | { expires: Date }): CookieInstruction => ({
    name,
    value,
    attributes: { ...base, ...lifetime },
  });
  const clear = (name: string) => set(name, "", { maxAge: 0 });
  const names = {
    pendingSignIn: nameOf("pending"),
    trustedDevice: nameOf("device"),
    signInEmail: nameOf("sign-in-email"),
    confirmation: nameOf("confirmed"),
  };

  return {
    names,
    pendingSignIn: {
      name: names.pendingSignIn,
      async set(pending: PendingSignIn, password: string): Promise<CookieInstruction> {
        return set(names.pendingSignIn, await sealPendingSignIn(pending, password, pendingTtlSeconds), { maxAge: pendingTtlSeconds });
      },
      clear: () => clear(names.pendingSignIn),
      /** Null for a missing, tampered or expired cookie. A value, not a promise, with node:crypto. */
      read: (cookies: CookieReader, password: string, nowMs: number) =>
        unsealPendingSignIn(cookies.get(names.pendingSignIn)?.value, password, nowMs, pendingTtlMs),
    },
    trustedDevice: {
      name: names.trustedDevice,
      set: (token: string, expiresAt: Date) => set(names.trustedDevice, token, { expires: expiresAt }),
      read: (cookies: CookieReader): string | undefined => cookies.get(names.trustedDevice)?.value,
    },
    // The email typed at sign-in, kept while a two-step sign-in may still end, so "Sign in again"
    // does not make the member type it again. Not a secret; never read for anything but that prefill.
    signInEmail: {
      name: names.signInEmail,
      set: (email: string) => set(names.signInEmail, email, { maxAge: 2 * pendingTtlSeconds }),
      read(cookies: CookieReader): string | undefined {
        const value = cookies.get(names.signInEmail)?.value;
        return value && value.length <= MAX_EMAIL_LENGTH ? value : undefined;
      },
    },
    /** When a session last confirmed its second factor, bound to its user and issue time. */
    confirmation: {
      name: names.confirmation,
      async set(confirmed: { userId: string; authTime: number; at: number }, password: string): Promise<CookieInstruction> {
        const sealed = await sealData(confirmed, { password, ttl: confirmationTtlSeconds });
        return set(names.confirmation, sealed, { maxAge: confirmationTtlSeconds });
      },
      /** The confirmation's time (ms) for this user and session, or null. */
      async read(cookies: CookieReader, session: { userId: string; authTime: number }, password: string, nowMs: number): Promise<number | null> {
        const value = cookies.get(names.confirmation)?.value;
        if (!value) return null;
        try {
          const data = ((await unsealIron(value, password, nowMs)) ?? {}) as { userId?: string; authTime?: number; at?: number };
          return data.userId === session.userId && data.authTime === session.authTime && typeof data.at === "number" ? data.at : null;
        } catch {
          return null;
        }
      },
    },
  };
}

export function sealPendingSignIn(pending: PendingSignIn, password: string, ttlSeconds = PENDING_SIGN_IN_TTL_SECONDS): Promise<string> {
  return sealData(pending, { password, ttl: ttlSeconds });
}

/** Null for a missing, tampered or expired seal. A value, not a promise, with node:crypto. */
export function unsealPendingSignIn(
  sealed: string | undefined,
  password: string,
  nowMs: number,
  ttlMs = PENDING_SIGN_IN_TTL_SECONDS * 1000,
): MaybePromise<PendingSignIn | null> {
  if (!sealed) return null;
  try {
    const unsealed = unsealIron(sealed, password, nowMs);
    return isPromiseLike(unsealed)
      ? Promise.resolve(unsealed).then((data) => pendingSignInOf(data, nowMs, ttlMs), () => null)
      : pendingSignInOf(unsealed, nowMs, ttlMs);
  } catch {
    return null;
  }
}
