// Redirect URIs of native apps (RFC 8252 §7): a claimed https URI, a private-use scheme
// (reverse domain name, §7.1) or a loopback IP literal over http (§7.3), where only the port may
// vary at request time. Everything else is compared as exact strings: no case folding, no
// trailing-slash or percent-encoding equivalence, no extra query, no userinfo, and `localhost` is
// not 127.0.0.1 (§8.3 says not to use it). The registration is checked to be in canonical form
// (as WHATWG URL serializes it), so an exact comparison has one spelling to match.

export type RedirectUriKind = "claimed-https" | "private-use-scheme" | "loopback";

export type RedirectUriClassification = { ok: true; kind: RedirectUriKind } | { ok: false; problem: string };

/** The IP literals of RFC 8252 §7.3, as WHATWG URL serializes their hosts. */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]"]);
const FORBIDDEN_SCHEMES = new Set(["javascript:", "data:", "vbscript:", "file:", "blob:", "about:", "filesystem:"]);
const MAX_LENGTH = 2000;

/** Whether a URI may be registered, and as which kind; `problem` says what to change, for the configuration's error. */
export function classifyRedirectUri(uri: string): RedirectUriClassification {
  if (uri.length === 0 || uri.length > MAX_LENGTH) return { ok: false, problem: `must be 1 to ${MAX_LENGTH} characters` };
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\s\u0000-\u001f\u007f]/.test(uri)) return { ok: false, problem: "must not contain spaces or control characters" };
  const url = URL.parse(uri);
  if (!url) return { ok: false, problem: "is not an absolute URI" };
  if (uri.includes("#")) return { ok: false, problem: "must not contain a fragment (RFC 6749 §3.1.2)" };
  if (url.href !== uri) return { ok: false, problem: `is not in canonical form; write it as ${url.href}` };
  if (url.username || url.password) return { ok: false, problem: "must not contain user information" };
  if (url.protocol === "https:") {
    if (url.hostname === "localhost" || LOOPBACK_HOSTS.has(url.hostname)) {
      return { ok: false, problem: "a loopback redirect uses http with an IP literal (RFC 8252 §7.3)" };
    }
    return { ok: true, kind: "claimed-https" };
  }
  if (url.protocol === "http:") {
    if (url.hostname === "localhost") {
      return { ok: false, problem: "use the loopback IP literal http://127.0.0.1 (or http://[::1]), not localhost (RFC 8252 §8.3)" };
    }
    if (!LOOPBACK_HOSTS.has(url.hostname)) {
      return { ok: false, problem: "http is allowed only for the loopback interface, 127.0.0.1 or [::1] (RFC 8252 §7.3)" };
    }
    if (url.port !== "") return { ok: false, problem: "register a loopback URI without a port: the app chooses the port at request time (RFC 8252 §7.3)" };
    return { ok: true, kind: "loopback" };
  }
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return { ok: false, problem: `must not use the ${url.protocol} scheme` };
  if (!url.protocol.slice(0, -1).includes(".")) {
    return { ok: false, problem: "a private-use scheme is a reverse domain name the app controls, such as com.example.app (RFC 8252 §7.1)" };
  }
  return { ok: true, kind: "private-use-scheme" };
}

/**
 * Whether `requested` is one of `registered`: the same string, or, for a registered loopback URI
 * (http://127.0.0.1/path, http://[::1]/path), the same string with a port 1–65535 (decimal, no
 * leading zero) after the host. Assumes `registered` passed classifyRedirectUri.
 */
export function redirectUriMatches(registered: readonly string[], requested: string): boolean {
  return registered.some((uri) => uri === requested || loopbackPortVariant(uri, requested));
}

function loopbackPortVariant(registered: string, requested: string): boolean {
  const authority = /^http:\/\/(127\.0\.0\.1|\[::1\])(\/.*)$/s.exec(registered);
  if (!authority) return false;
  const prefix = `http://${authority[1]}:`;
  if (!requested.startsWith(prefix)) return false;
  const port = /^([1-9][0-9]{0,4})(\/.*)$/s.exec(requested.slice(prefix.length));
  return port !== null && Number(port[1]) <= 65_535 && port[2] === authority[2];
}
