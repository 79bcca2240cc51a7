// The WWW-Authenticate header of a 401 from the API (RFC 6750 §3): no error code when no token was
// sent, invalid_token for a bad, expired or revoked one, and RFC 9470's
// insufficient_user_authentication when the token is good but its sign-in lacks what the
// organization now requires (a second factor): the app sends the member back through the browser.
import type { AccessTokenRefusal } from "./access-token";

export const REALM = "connect";

export type BearerChallenge =
  | { kind: "no-token" }
  | { kind: "invalid-token"; reason: Exclude<AccessTokenRefusal, "MISSING"> }
  | { kind: "insufficient-user-authentication"; description: string };

const INVALID_DESCRIPTIONS: Record<Exclude<AccessTokenRefusal, "MISSING">, string> = {
  MALFORMED: "The Authorization header is not a bearer token.",
  INVALID: "The access token is not valid.",
  EXPIRED: "The access token has expired.",
  REVOKED: "The access token has been revoked.",
};

/** What went wrong, in a sentence safe to show (the header's error_description; the JSON body's too). */
export function challengeDescription(challenge: BearerChallenge): string {
  switch (challenge.kind) {
    case "no-token":
      return "This request needs an access token (Authorization: Bearer).";
    case "invalid-token":
      return INVALID_DESCRIPTIONS[challenge.reason];
    case "insufficient-user-authentication":
      return challenge.description.replace(/["\\]/g, "");
  }
}

/** The header's value; descriptions are fixed sentences (no request data is echoed). */
export function wwwAuthenticate(challenge: BearerChallenge): string {
  switch (challenge.kind) {
    case "no-token":
      return `Bearer realm="${REALM}"`;
    case "invalid-token":
      return `Bearer realm="${REALM}", error="invalid_token", error_description="${challengeDescription(challenge)}"`;
    case "insufficient-user-authentication":
      return `Bearer realm="${REALM}", error="insufficient_user_authentication", error_description="${challengeDescription(challenge)}"`;
  }
}

/** The challenge for a refused token: a missing one gets none of RFC 6750's error codes (§3.1). */
export function challengeFor(reason: AccessTokenRefusal): BearerChallenge {
  return reason === "MISSING" ? { kind: "no-token" } : { kind: "invalid-token", reason };
}
