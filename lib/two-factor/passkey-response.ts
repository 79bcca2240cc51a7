import { z } from "zod";
import type { verifyAuthenticationResponse, verifyRegistrationResponse } from "@simplewebauthn/server";

// The browser's answers (@simplewebauthn/browser's startRegistration / startAuthentication), as
// JSON in one form field: their shape checked here, their content by @simplewebauthn/server.

export type RegistrationAnswer = Parameters<typeof verifyRegistrationResponse>[0]["response"];
export type AuthenticationAnswer = Parameters<typeof verifyAuthenticationResponse>[0]["response"];

const b64url = z.string().min(1).max(4096).regex(/^[A-Za-z0-9_-]+$/);
const transports = z.array(z.enum(["ble", "cable", "hybrid", "internal", "nfc", "smart-card", "usb"])).max(8).optional();
const common = {
  id: b64url,
  rawId: b64url,
  type: z.literal("public-key"),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
};

const registrationSchema = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64url,
    attestationObject: b64url,
    authenticatorData: b64url.optional(),
    transports,
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: b64url.optional(),
  }),
});

const authenticationSchema = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64url,
    authenticatorData: b64url,
    signature: b64url,
    userHandle: z.string().max(1024).optional(),
  }),
});

const clientDataSchema = z.object({ challenge: b64url });

/** A form field holding a browser's answer as JSON: bounded, parsed and checked for shape. */
export const passkeyAnswerField = z.string().min(2).max(12_000);

function parsed<T>(schema: z.ZodType<T>, json: string): T | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  const result = schema.safeParse(value);
  return result.success ? result.data : null;
}

/** The challenge the browser says it answered (in clientDataJSON), or null when it says none readable. */
function challengeOf(clientDataJSON: string): string | null {
  return parsed(clientDataSchema, Buffer.from(clientDataJSON, "base64url").toString("utf8"))?.challenge ?? null;
}

export function parseRegistrationAnswer(json: string): { answer: RegistrationAnswer; challenge: string } | null {
  const answer = parsed(registrationSchema, json) as RegistrationAnswer | null;
  const challenge = answer && challengeOf(answer.response.clientDataJSON);
  return answer && challenge ? { answer, challenge } : null;
}

export function parseAuthenticationAnswer(json: string): { answer: AuthenticationAnswer; challenge: string } | null {
  const answer = parsed(authenticationSchema, json) as AuthenticationAnswer | null;
  const challenge = answer && challengeOf(answer.response.clientDataJSON);
  return answer && challenge ? { answer, challenge } : null;
}
