import { failure, type Failure } from "../errors";
import type { TwoFactorOptions } from "./options";

/** The site passkeys are made for and answered from (the `passkey*` options), when the host set one. */
export interface RelyingParty {
  id: string;
  name: string;
  origins: string[];
}

/** The algorithms a passkey may sign with: ES256 (what authenticators make by default) and RS256 (Windows Hello). */
export const PASSKEY_ALGORITHMS = [-7, -257];

export function relyingPartyOf(options: Pick<TwoFactorOptions, "passkeyRpId" | "passkeyRpName" | "passkeyOrigins" | "appName">): RelyingParty | Failure<"PASSKEYS_UNAVAILABLE"> {
  if (!options.passkeyRpId || options.passkeyOrigins.length === 0) return failure("PASSKEYS_UNAVAILABLE");
  return { id: options.passkeyRpId, name: options.passkeyRpName ?? options.appName, origins: options.passkeyOrigins };
}

/**
 * Why the passkey options are wrong, or null: the RP id is a bare domain, and each origin is an
 * http(s) origin on it or under it (http only for localhost, as browsers allow).
 */
export function passkeyOptionsProblem(options: Pick<TwoFactorOptions, "passkeyRpId" | "passkeyOrigins">): string | null {
  const { passkeyRpId: rpId, passkeyOrigins: origins } = options;
  if (rpId === null) return origins.length > 0 ? "passkeyOrigins is set without passkeyRpId" : null;
  if (!/^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/.test(rpId)) {
    return 'passkeyRpId must be a domain name, such as "connect.example.com" (no scheme, port or path)';
  }
  if (origins.length === 0) return 'passkeyOrigins must list the origins passkeys are used on, such as "https://connect.example.com"';
  for (const origin of origins) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return `passkeyOrigins: ${JSON.stringify(origin)} is not an origin`;
    }
    const onRpId = url.hostname === rpId || url.hostname.endsWith(`.${rpId}`);
    const secure = url.protocol === "https:" || (url.protocol === "http:" && url.hostname === "localhost");
    if (url.origin !== origin || !onRpId || !secure) return `passkeyOrigins: ${JSON.stringify(origin)} must be an https origin on ${rpId} or under it`;
  }
  return null;
}
