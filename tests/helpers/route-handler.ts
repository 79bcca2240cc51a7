import { createTwoFactor, type TwoFactorConfig } from "@/lib/two-factor";
import type { Db } from "@/lib/db/client";
import { portalTwoFactorHost } from "@/lib/two-factor-host";
import type { PendingSignIn } from "@/lib/two-factor/pending-sign-in";
import type { TwoFactorSession } from "@/lib/two-factor/session";
import { recordingEmailSender } from "./email";
import { testClock } from "./fixtures";
import { recordingSmsSender } from "./sms";

// The plugin mounted as a host would, driven through its route handler with real Requests.

export const ORIGIN = "https://portal.test";
export const MOUNT = "/api/two-factor";
export const SESSION_COOKIE = "host-session";
const secret = "s".repeat(40);
const sessionPassword = "p".repeat(40);

type SessionFields = Pick<TwoFactorSession, "userId" | "amr" | "authTime"> & Partial<Pick<TwoFactorSession, "organizationId" | "role">>;

/** The host's session in these tests: a cookie naming the user, the methods, the issue time, the organization and role. */
const sessionValue = (session: SessionFields) => [session.userId, session.amr.join("+"), session.authTime, session.organizationId ?? "", session.role ?? ""].join("|");

export function mountedPlugin(db: Db, overrides: Partial<TwoFactorConfig<Db>> = {}) {
  const clock = testClock(new Date());
  const sms = recordingSmsSender();
  const email = recordingEmailSender();
  const errors: unknown[] = [];
  const plugin = createTwoFactor<Db>({
    database: () => db,
    host: portalTwoFactorHost,
    sms,
    email,
    secret,
    sessionPassword,
    clock,
    startSession: async (grant, now) => [
      { name: SESSION_COOKIE, value: sessionValue({ ...grant, authTime: now.getTime() }), attributes: { httpOnly: true, secure: true, sameSite: "lax", path: "/" } },
    ],
    getSession: async (cookies) => {
      const [userId, amr, authTime, organizationId, role] = cookies.get(SESSION_COOKIE)?.value.split("|") ?? [];
      if (!userId || amr === undefined || !authTime) return null;
      return { userId, amr: amr.split("+"), authTime: Number(authTime), organizationId: organizationId || null, role: (role || null) as TwoFactorSession["role"] };
    },
    onError: (error) => void errors.push(error),
    ...overrides,
  });
  return { plugin, clock, sms, email, errors, sessionPassword };
}

export type Mounted = ReturnType<typeof mountedPlugin>;

/** A browser's cookies: what Set-Cookie gave it, sent back as one Cookie header. */
export class CookieJar {
  readonly values = new Map<string, string>();
  take(response: Response): this {
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
      const at = pair.indexOf("=");
      const name = pair.slice(0, at);
      const value = decodeURIComponent(pair.slice(at + 1));
      if (attributes.some((a) => /^max-age=0$/i.test(a)) || value === "") this.values.delete(name);
      else this.values.set(name, value);
    }
    return this;
  }
  set(name: string, value: string): this {
    this.values.set(name, value);
    return this;
  }
  header(): string {
    return [...this.values].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("; ");
  }
}

export async function jarWithPending(mounted: Mounted, pending: PendingSignIn): Promise<CookieJar> {
  const cookie = await mounted.plugin.cookies.pendingSignIn.set(pending, mounted.sessionPassword);
  return new CookieJar().set(cookie.name, cookie.value);
}

export function jarWithSession(session: SessionFields): CookieJar {
  return new CookieJar().set(SESSION_COOKIE, sessionValue(session));
}

export function formOf(fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return form;
}

/** A POST from the site's own page to `<mount>/<step>`, unless `headers` says otherwise. */
export function stepRequest(path: string, fields: Record<string, string>, options: { jar?: CookieJar; headers?: Record<string, string | null> } = {}): Request {
  const headers = new Headers({ host: new URL(ORIGIN).host, origin: ORIGIN, "user-agent": "vitest" });
  const cookie = options.jar?.header();
  if (cookie) headers.set("cookie", cookie);
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
  return new Request(`${ORIGIN}${path.startsWith("/") ? path : `${MOUNT}/${path}`}`, { method: "POST", body: formOf(fields), headers });
}

export const setCookieNames = (response: Response) => response.headers.getSetCookie().map((line) => line.slice(0, line.indexOf("=")));
