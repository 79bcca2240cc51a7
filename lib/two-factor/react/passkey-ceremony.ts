"use client";

import { browserSupportsWebAuthn, startAuthentication, startRegistration } from "@simplewebauthn/browser";

// The browser's side of a passkey: the step's options handed to navigator.credentials (through
// @simplewebauthn/browser), and its answer as JSON for the next step, or a sentence a member can act on.

export const PASSKEY_BROWSER_MESSAGES = {
  unsupported: "This browser cannot use passkeys or security keys. Use another browser, or choose another way to verify.",
  cancelled: "The passkey request was cancelled or timed out. Try again when you are ready.",
  alreadyAdded: "This passkey or security key is already added to your account.",
  failed: "Your browser could not use the passkey or security key. Try again, or use another one.",
} as const;

export type Ceremony = { ok: true; response: string } | { ok: false; error: string };

function sayWhy(error: unknown): string {
  const { name, code } = (error ?? {}) as { name?: string; code?: string };
  if (name === "NotAllowedError" || name === "AbortError" || code === "ERROR_CEREMONY_ABORTED") return PASSKEY_BROWSER_MESSAGES.cancelled;
  if (name === "InvalidStateError" || code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED") return PASSKEY_BROWSER_MESSAGES.alreadyAdded;
  return PASSKEY_BROWSER_MESSAGES.failed;
}

async function ceremony(run: () => Promise<unknown>): Promise<Ceremony> {
  if (!browserSupportsWebAuthn()) return { ok: false, error: PASSKEY_BROWSER_MESSAGES.unsupported };
  try {
    return { ok: true, response: JSON.stringify(await run()) };
  } catch (error) {
    return { ok: false, error: sayWhy(error) };
  }
}

/** Makes a passkey with the options of security/passkey-options. */
export const createPasskey = (options: Record<string, unknown>) =>
  ceremony(() => startRegistration({ optionsJSON: options as unknown as Parameters<typeof startRegistration>[0]["optionsJSON"] }));

/** Signs the challenge of challenge/passkey-options with one of the member's passkeys. */
export const signWithPasskey = (options: Record<string, unknown>) =>
  ceremony(() => startAuthentication({ optionsJSON: options as unknown as Parameters<typeof startAuthentication>[0]["optionsJSON"] }));
