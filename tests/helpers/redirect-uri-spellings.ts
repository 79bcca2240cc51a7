import fc from "fast-check";

// Spellings of a registered redirect URI that an exact comparison must refuse (RFC 8252 §7, §8.3;
// RFC 6749 §3.1.2.3), for the unit property (tests/unit/oauth-redirect-uri.test.ts) and the live
// provider (tests/integration/oauth-provider.test.ts).

export const REGISTERED = {
  claimedHttps: "https://app.example.com/oauth/callback",
  privateUse: "com.example.connect:/callback",
  loopback: "http://127.0.0.1/callback",
  loopbackV6: "http://[::1]/callback",
} as const;

type Edit = (uri: string) => string;

const upperFirstLetter: Edit = (uri) => uri.replace(/[a-z]/, (c) => c.toUpperCase());
const upperLastLetter: Edit = (uri) => uri.replace(/[a-z](?=[^a-z]*$)/, (c) => c.toUpperCase());
const encodeALetter: Edit = (uri) => uri.replace(/(\/[^/]*?)([a-z])([^/]*)$/, (_m, a, c: string, b) => `${a}%${c.charCodeAt(0).toString(16)}${b}`);

/** Each edit changes the string (or leaves it, which the property accounts for). */
const EDITS: Record<string, Edit> = {
  "upper-case a letter": upperFirstLetter,
  "upper-case the last letter": upperLastLetter,
  "percent-encode a path letter": encodeALetter,
  "encode the last slash": (uri) => uri.replace(/\/(?=[^/]*$)/, "%2F"),
  "add a trailing slash": (uri) => `${uri}/`,
  "drop a trailing character": (uri) => uri.slice(0, -1),
  "add a query": (uri) => `${uri}${uri.includes("?") ? "&" : "?"}next=https://evil.example`,
  "add an empty query": (uri) => `${uri}?`,
  "add a fragment": (uri) => `${uri}#x`,
  "add userinfo": (uri) => uri.replace("://", "://evil.example@"),
  "add a dot segment": (uri) => uri.replace(/\/(?=[^/]*$)/, "/./"),
  "add a parent segment": (uri) => uri.replace(/\/([^/]*)$/, "/x/../$1"),
  "double the slash": (uri) => uri.replace(/\/(?=[^/]*$)/, "//"),
  "leading space": (uri) => ` ${uri}`,
  "trailing tab": (uri) => `${uri}\t`,
  "localhost for 127.0.0.1": (uri) => uri.replace("127.0.0.1", "localhost"),
  "IPv6 loopback for 127.0.0.1": (uri) => uri.replace("127.0.0.1", "[::1]"),
  "127.0.0.1 for IPv6 loopback": (uri) => uri.replace("[::1]", "127.0.0.1"),
  "127.1 for 127.0.0.1": (uri) => uri.replace("127.0.0.1", "127.1"),
  "another loopback address": (uri) => uri.replace("127.0.0.1", "127.0.0.2"),
  "hex loopback": (uri) => uri.replace("127.0.0.1", "0x7f.0.0.1"),
  "https for http": (uri) => uri.replace(/^http:/, "https:"),
  "http for https": (uri) => uri.replace(/^https:/, "http:"),
  "port zero": (uri) => uri.replace(/(127\.0\.0\.1|\[::1\]|example\.com)/, "$1:0"),
  "port with a leading zero": (uri) => uri.replace(/(127\.0\.0\.1|\[::1\])/, "$1:08080"),
  "port out of range": (uri) => uri.replace(/(127\.0\.0\.1|\[::1\])/, "$1:65536"),
  "empty port": (uri) => uri.replace(/(127\.0\.0\.1|\[::1\]|example\.com)/, "$1:"),
  "default https port": (uri) => uri.replace("example.com", "example.com:443"),
  "trailing dot host": (uri) => uri.replace("example.com", "example.com."),
  "subdomain": (uri) => uri.replace("://", "://evil."),
  "suffix host": (uri) => uri.replace("example.com", "example.com.evil.example"),
  "authority form of the private scheme": (uri) => uri.replace(/^([a-z.]+):\//, "$1://"),
  "another private scheme": (uri) => uri.replace("com.example.connect:", "com.example.connect.evil:"),
};

export const EDIT_NAMES = Object.keys(EDITS);

/** A registered URI after one to four edits, with the edits' names for the failure message. */
export function editedSpelling(registered: readonly string[]): fc.Arbitrary<{ original: string; spelled: string; edits: string[] }> {
  return fc
    .tuple(fc.constantFrom(...registered), fc.array(fc.constantFrom(...EDIT_NAMES), { minLength: 1, maxLength: 4 }))
    .map(([original, edits]) => ({ original, spelled: edits.reduce((uri, name) => EDITS[name]!(uri), original), edits }));
}

/**
 * The oracle, written apart from lib/oauth/redirect-uri.ts: allowed iff equal to a registered URI,
 * or a registered loopback URI with a port 1..65535 in its shortest decimal form after the host.
 */
export function exactlyAllowed(registered: readonly string[], requested: string): boolean {
  return registered.some((uri) => {
    if (uri === requested) return true;
    for (const host of ["127.0.0.1", "[::1]"]) {
      const prefix = `http://${host}`;
      if (!uri.startsWith(`${prefix}/`) || !requested.startsWith(`${prefix}:`)) continue;
      const rest = requested.slice(prefix.length + 1);
      const slash = rest.indexOf("/");
      const port = slash === -1 ? rest : rest.slice(0, slash);
      const n = Number(port);
      if (String(n) === port && n >= 1 && n <= 65_535 && `${prefix}${rest.slice(port.length)}` === uri) return true;
    }
    return false;
  });
}
