import type { Db } from "@/lib/db/client";
import { completeWithPasskey } from "@/lib/two-factor/passkey-sign-in";
import { beginPasskeyRegistration, completePasskeyRegistration } from "@/lib/two-factor/passkey-registration";
import { beginPasskeySignIn } from "@/lib/two-factor/passkey-sign-in";
import { passkeySessionNonce } from "@/lib/two-factor/passkey-challenge";
import type { PendingSignIn } from "@/lib/two-factor/pending-sign-in";
import { testRequest } from "./fixtures";
import { ORIGIN } from "./route-handler";
import { SoftwareAuthenticator, type AnswerContext } from "./software-authenticator";
import { makeDeps, type DepsOverrides, type TestDeps } from "./two-factor";

/** The site the tests' passkeys are made for: the route handler tests' origin. */
export const RP_ID = new URL(ORIGIN).hostname;
export const PASSKEY_OPTIONS = { passkeyRpId: RP_ID, passkeyOrigins: [ORIGIN] };
/** What a browser on the site puts in its answers. */
export const ON_SITE: AnswerContext = { origin: ORIGIN, rpId: RP_ID };

/** makeDeps with passkeys set up for ORIGIN. */
export function passkeyDeps(db: Db, overrides: DepsOverrides = {}): TestDeps {
  return makeDeps(db, { ...overrides, options: { ...PASSKEY_OPTIONS, ...overrides.options } });
}

/** A signed-in session's nonce, as the Security page's steps bind its passkey requests. */
export const sessionNonceOf = (userId: string, authTime = 0) => passkeySessionNonce({ userId, authTime });

/** Adds a passkey held by `authenticator` (a new one by default) to the user, as the Security page does. */
export async function addPasskey(deps: TestDeps, userId: string, name = "Work laptop", authenticator = new SoftwareAuthenticator(), context: AnswerContext = ON_SITE) {
  const attemptNonce = sessionNonceOf(userId);
  const begun = await beginPasskeyRegistration(deps, { userId, attemptNonce });
  if (!begun.ok) throw new Error(`passkey options refused: ${begun.code}`);
  const done = await completePasskeyRegistration(deps, { userId, attemptNonce, name, answer: authenticator.register(begun.options, context), request: testRequest() });
  return { authenticator, options: begun.options, done };
}

/** The challenge's options for this pending sign-in (throws when refused). */
export async function signInOptions(deps: TestDeps, pending: PendingSignIn) {
  const begun = await beginPasskeySignIn(deps, pending);
  if (!begun.ok) throw new Error(`passkey sign-in options refused: ${begun.code}`);
  return begun.options;
}

/** "Use a passkey or security key" answered with `answer` (the browser's JSON). */
export const signInWithPasskey = (deps: TestDeps, pending: PendingSignIn, answer: string, trustThisDevice = false) =>
  completeWithPasskey(deps, { pending, code: answer, trustThisDevice, request: testRequest() });
