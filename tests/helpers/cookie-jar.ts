// A browser's cookie handling, just enough for redirect flows driven by fetch: cookies per host and path,
// Set-Cookie deletions (Max-Age=0 or a past Expires) honoured; Secure, SameSite and Domain are ignored.

interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
}

export class CookieJar {
  private readonly cookies = new Map<string, StoredCookie>();

  /** The Cookie header a browser would send to this URL, or undefined when none apply. */
  headerFor(url: string | URL): string | undefined {
    const { host, pathname } = new URL(url);
    const sent = [...this.cookies.values()].filter((c) => c.host === host && pathMatches(pathname, c.path));
    return sent.length ? sent.map((c) => `${c.name}=${c.value}`).join("; ") : undefined;
  }

  /** Stores the response's Set-Cookie headers, as received from this URL. */
  store(url: string | URL, response: Response) {
    const { host, pathname } = new URL(url);
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq);
      const attribute = (key: string) =>
        attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const path = attribute("path") ?? defaultPath(pathname);
      const key = `${host} ${path} ${name}`;
      const maxAge = attribute("max-age");
      const expires = attribute("expires");
      const expired = (maxAge !== undefined && Number(maxAge) <= 0) || (expires !== undefined && Date.parse(expires) <= Date.now());
      if (expired) this.cookies.delete(key);
      else this.cookies.set(key, { name, value: pair.slice(eq + 1), host, path });
    }
  }

  names(url: string | URL): string[] {
    const { host } = new URL(url);
    return [...this.cookies.values()].filter((c) => c.host === host).map((c) => c.name);
  }
}

function pathMatches(requestPath: string, cookiePath: string) {
  if (requestPath === cookiePath) return true;
  const prefix = cookiePath.endsWith("/") ? cookiePath : `${cookiePath}/`;
  return requestPath.startsWith(prefix);
}

function defaultPath(pathname: string) {
  const slash = pathname.lastIndexOf("/");
  return slash <= 0 ? "/" : pathname.slice(0, slash);
}
