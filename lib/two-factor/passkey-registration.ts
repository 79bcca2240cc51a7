import { generateRegistrationOptions, verifyRegistrationResponse } from "@simplewebauthn/server";
import { isoBase64URL, isoUint8Array } from "@simplewebauthn/server/helpers";
import { eq } from "drizzle-orm";
import { failure, type Failure } from "../errors";
import type { RequestInfo } from "../http/client-ip";
import { recordTwoFactorEvent } from "./audit";
import type { TwoFactorDeps } from "./options";
import { consumePasskeyChallenge, issuePasskeyChallenge, type PasskeyRequestBinding } from "./passkey-challenge";
import { PASSKEY_ALGORITHMS, relyingPartyOf } from "./passkey-relying-party";
import { parseRegistrationAnswer } from "./passkey-response";
import { passkeys, twoFactorUsers } from "./schema";

export type PasskeyCreationOptions = Awaited<ReturnType<typeof generateRegistrationOptions>>;

type Input = { userId: string; attemptNonce: string };
const bindingOf = (input: Input): PasskeyRequestBinding => ({ userId: input.userId, purpose: "register", attemptNonce: input.attemptNonce });

/**
 * "Add a passkey": what the browser's `navigator.credentials.create` is asked (through
 * @simplewebauthn/browser's startRegistration): a new challenge bound to the signed-in session,
 * user verification required, a discoverable passkey preferred, no attestation, and the user's own
 * passkeys excluded (an authenticator holding one says so rather than making a second).
 */
export async function beginPasskeyRegistration(deps: TwoFactorDeps, input: Input): Promise<{ ok: true; options: PasskeyCreationOptions } | Failure<"PASSKEYS_UNAVAILABLE">> {
  const rp = relyingPartyOf(deps.options);
  if ("ok" in rp) return rp;
  const [user] = await deps.db.select({ email: twoFactorUsers.email }).from(twoFactorUsers).where(eq(twoFactorUsers.id, input.userId)).limit(1);
  if (!user) throw new Error("user vanished before adding a passkey");
  const own = await deps.db.select({ credentialId: passkeys.credentialId, transports: passkeys.transports }).from(passkeys).where(eq(passkeys.userId, input.userId));
  const { bytes } = await issuePasskeyChallenge(deps.db, bindingOf(input), deps.clock.now(), deps.options);
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    // The user handle: the user id's UTF-8 bytes, the same for each of the member's passkeys.
    userID: isoUint8Array.fromUTF8String(input.userId),
    userName: user.email,
    challenge: bytes,
    timeout: deps.options.passkeyChallengeTtlMs,
    attestationType: "none",
    excludeCredentials: own.map((p) => ({ id: p.credentialId, transports: p.transports })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "required" },
    supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
  });
  return { ok: true, options };
}

export type PasskeyRegistrationFailure = Failure<"PASSKEYS_UNAVAILABLE" | "NO_PASSKEY_REQUEST" | "PASSKEY_NOT_ACCEPTED" | "PASSKEY_ALREADY_ADDED">;

/**
 * The browser's answer to "Add a passkey": its challenge must be one this session was given and
 * not yet answered (spent here, once), made on one of the site's origins for its RP id with the
 * user verified; then the passkey is kept under `name` (already checked by the step). Several per
 * user; a credential already added (to anyone) is refused. A refusal here counts no try: the member
 * is signed in and guesses nothing.
 */
export async function completePasskeyRegistration(
  deps: TwoFactorDeps,
  input: Input & { name: string; answer: string; request: RequestInfo | null },
): Promise<{ ok: true; email: string; passkey: { id: string; name: string } } | PasskeyRegistrationFailure> {
  const rp = relyingPartyOf(deps.options);
  if ("ok" in rp) return rp;
  const parsed = parseRegistrationAnswer(input.answer);
  if (!parsed) return failure("PASSKEY_NOT_ACCEPTED");
  const now = deps.clock.now();
  if (!(await consumePasskeyChallenge(deps.db, bindingOf(input), parsed.challenge, now))) return failure("NO_PASSKEY_REQUEST");
  const verified = await verifyRegistrationResponse({
    response: parsed.answer,
    expectedChallenge: parsed.challenge,
    expectedOrigin: rp.origins,
    expectedRPID: rp.id,
    requireUserVerification: true,
    supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
  }).catch(() => null);
  const info = verified?.verified ? verified.registrationInfo : undefined;
  if (!info) return failure("PASSKEY_NOT_ACCEPTED");
  return deps.db.transaction(async (db) => {
    const [added] = await db
      .insert(passkeys)
      .values({
        userId: input.userId,
        credentialId: info.credential.id,
        publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
        counter: info.credential.counter,
        transports: parsed.answer.response.transports ?? [],
        name: input.name,
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
        createdAt: now,
      })
      .onConflictDoNothing({ target: passkeys.credentialId })
      .returning({ id: passkeys.id });
    if (!added) return failure("PASSKEY_ALREADY_ADDED");
    const [user] = await db.select({ email: twoFactorUsers.email }).from(twoFactorUsers).where(eq(twoFactorUsers.id, input.userId)).limit(1);
    if (!user) throw new Error("user vanished while adding a passkey");
    const { organizationId } = await deps.host.organizationPolicy(db, input.userId);
    await recordTwoFactorEvent(db, {
      type: "two_factor.passkey_added",
      organizationId,
      actorUserId: input.userId,
      subjectUserId: input.userId,
      request: input.request,
      at: now,
      details: { name: input.name, deviceType: info.credentialDeviceType },
    });
    return { ok: true as const, email: user.email, passkey: { id: added.id, name: input.name } };
  });
}
