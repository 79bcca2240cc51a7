import { Auth, type AuthConfig } from "@auth/core";
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import { and, eq } from "drizzle-orm";
import type { NextAuthConfig } from "next-auth";
import { expect } from "vitest";
import { authConfig } from "@/lib/auth/config.edge";
import { PORTAL_TWO_FACTOR_SETTINGS } from "@/lib/auth/portal-cookies";
import { portalProviders } from "@/lib/auth/providers";
import type { Db } from "@/lib/db/client";
import { accounts, auditEvents, sessions, users, verificationTokens } from "@/lib/db/schema";
import { createTwoFactor } from "@/lib/two-factor";
import { nextAuthSessions, withTwoFactor, type WithTwoFactorOptions } from "@/lib/two-factor/next-auth";
import type { FirstFactor } from "@/lib/two-factor/sign-in-ticket";
import { portalTwoFactorHost } from "@/lib/two-factor-host";
import type { FakeOidc } from "../fakes/oidc-server";
import { CookieJar } from "./cookie-jar";
import { recordingEmailSender } from "./email";
import { testClock } from "./fixtures";
import { recordingSmsSender } from "./sms";
import type { TestDeps } from "./two-factor";

// next-auth's real engine (@auth/core's Auth) with the portal's providers and callbacks, wrapped by
// withTwoFactor, and the plugin's route handler, both in this process: one "browser" drives them.

export const APP = "http://localhost:3000";
export const MOUNT = "/api/two-factor";
export const SESSION_COOKIE = "authjs.session-token";
export const OIDC_CLIENT = { clientId: "connect-app", clientSecret: "connect-app-secret-0123456789abcdef" };
export const OIDC_CALLBACK = `${APP}/auth/callback/oidc`;
const AUTH_SECRET = "a-test-secret-of-at-least-32-characters!";
type SignInCallback = NonNullable<NonNullable<NextAuthConfig["callbacks"]>["signIn"]>;

export interface HarnessOptions {
  strategy: "jwt" | "database";
  oidc: FakeOidc;
  /** The host's own signIn callback. */
  signIn?: SignInCallback;
  onUserCreated?: WithTwoFactorOptions["onUserCreated"];
}

export function nextAuthHarness(db: Db, options: HarnessOptions) {
  const clock = testClock(new Date());
  const sms = recordingSmsSender();
  const email = recordingEmailSender();
  const errors: unknown[] = [];
  const adapter = DrizzleAdapter(db, { usersTable: users, accountsTable: accounts, sessionsTable: sessions, verificationTokensTable: verificationTokens });
  const store = nextAuthSessions({ strategy: options.strategy, secret: AUTH_SECRET, secureCookies: false, adapter });
  const plugin = createTwoFactor<Db>({
    ...PORTAL_TWO_FACTOR_SETTINGS,
    secureCookies: false,
    database: () => db,
    host: portalTwoFactorHost,
    sms,
    email,
    secret: "s".repeat(40),
    sessionPassword: "p".repeat(40),
    clock,
    startSession: store.startSession,
    getSession: async (cookies, now) => {
      const claims = await store.readSession(cookies, now.getTime());
      return claims ? { ...claims, organizationId: null, role: null } : null;
    },
    onError: (error) => void errors.push(error),
  });
  const env = { OIDC_ISSUER: options.oidc.issuer, OIDC_CLIENT_ID: OIDC_CLIENT.clientId, OIDC_CLIENT_SECRET: OIDC_CLIENT.clientSecret };
  const config = withTwoFactor(
    {
      ...authConfig,
      basePath: "/auth",
      secret: AUTH_SECRET,
      session: { strategy: options.strategy, maxAge: authConfig.session.maxAge, updateAge: authConfig.session.maxAge },
      adapter,
      // Properties sign one address in many times: the per-address link limit is not what they test.
      providers: portalProviders(db, email, env, { emailLink: { limit: 10_000, windowMs: 60 * 60_000 } }),
      callbacks: { ...authConfig.callbacks, ...(options.signIn ? { signIn: options.signIn } : {}) },
      logger: { error: (error) => void errors.push(error), warn: () => {}, debug: () => {} },
    },
    { deps: () => plugin.deps(), routePath: MOUNT, onUserCreated: options.onUserCreated },
  ) as AuthConfig;

  /** One browser: next-auth's routes and the plugin's handler answer in this process, the rest over the network. */
  function browser() {
    const jar = new CookieJar();
    async function send(url: string | URL, init: RequestInit = {}) {
      const target = new URL(url, APP);
      const headers = new Headers(init.headers);
      headers.set("user-agent", "vitest");
      const cookie = jar.headerFor(target);
      if (cookie) headers.set("cookie", cookie);
      const request = new Request(target, { ...init, headers, redirect: "manual" });
      let response: Response;
      if (target.origin !== APP) response = await fetch(request);
      else if (target.pathname.startsWith("/auth/")) response = await Auth(request, config);
      else if (target.pathname.startsWith(`${MOUNT}/`)) response = await plugin.handler(request);
      else response = new Response(null, { status: 404 });
      jar.store(target, response);
      const location = response.headers.get("location");
      return { response, location: location ? new URL(location, target) : null, setCookies: setCookieNames(response) };
    }
    const form = (fields: Record<string, string>, extra: Record<string, string> = {}): RequestInit => ({
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: APP, host: new URL(APP).host, ...extra },
      body: new URLSearchParams(fields),
    });
    async function csrf(): Promise<string> {
      const answer = await send("/auth/csrf");
      return ((await answer.response.json()) as { csrfToken: string }).csrfToken;
    }
    return {
      jar,
      send,
      /** The Credentials provider's POST: next-auth's answer to it. */
      async passwordSignIn(address: string, password: string, callbackUrl = `${APP}/dashboard`) {
        return send("/auth/callback/credentials", form({ csrfToken: await csrf(), email: address, password, callbackUrl }));
      },
      /** "Sign in with SSO" through the fake provider (login_hint logs in without a form): next-auth's callback answer. */
      async oidcSignIn(address: string, callbackUrl = `${APP}/dashboard`) {
        let hop = await send(`/auth/signin/oidc?login_hint=${encodeURIComponent(address.trim())}`, form({ csrfToken: await csrf(), callbackUrl }));
        for (let i = 0; i < 10 && hop.location && hop.location.origin === options.oidc.issuer; i++) hop = await send(hop.location);
        expect(hop.location?.href.startsWith(`${OIDC_CALLBACK}?`), "back at next-auth's callback").toBe(true);
        return send(hop.location!);
      },
      /** Asks for an email link and follows it: next-auth's callback answer. */
      async emailLinkSignIn(address: string, callbackUrl = `${APP}/dashboard`) {
        const before = email.messages.length;
        await send("/auth/signin/email", form({ csrfToken: await csrf(), email: address, callbackUrl }));
        expect(email.messages.length, "a sign-in link was mailed").toBe(before + 1);
        const link = /https?:\/\/\S+/.exec(email.messages.at(-1)!.text)![0];
        return send(link);
      },
      /** The plugin's challenge step, as its page posts it. */
      async challengeVerify(code: string, trustDevice = false) {
        const fields: Record<string, string> = { method: "sms", code, ...(trustDevice ? { trustDevice: "on" } : {}) };
        const answer = await send(`${MOUNT}/challenge/verify`, { method: "POST", body: formData(fields), headers: { origin: APP, host: new URL(APP).host } });
        return { ...answer, state: (await answer.response.json()) as { ok: boolean; redirectTo?: string } };
      },
      async nextAuthSession() {
        const answer = await send("/auth/session");
        return (await answer.response.json()) as { user?: { id?: string; email?: string }; amr?: string[] } | null;
      },
      signOut: async () => send("/auth/signout", form({ csrfToken: await csrf(), callbackUrl: APP })),
      readSession: () => store.readSession({ get: (name) => cookieOf(jar, name) }, clock.now().getTime()),
    };
  }

  /** A session cookie's value replayed by anyone (e.g. kept after sign-out): what the plugin and next-auth make of it. */
  const replayed = (token: string) => ({
    cookies: { get: (name: string) => (name === SESSION_COOKIE ? { value: token } : undefined), getAll: () => [{ name: SESSION_COOKIE, value: token }] },
    async nextAuthSession() {
      const answer = await Auth(new Request(`${APP}/auth/session`, { headers: { cookie: `${SESSION_COOKIE}=${token}` } }), config);
      return (await answer.json()) as { user?: { id?: string } } | null;
    },
  });
  const deps = async (): Promise<TestDeps> => ({ ...(await plugin.deps()), clock, sms }) as TestDeps;
  return { plugin, config, clock, sms, email, errors, adapter, store, browser, deps, replayed, pendingCookie: plugin.cookies.names.pendingSignIn };
}

export type Harness = ReturnType<typeof nextAuthHarness>;
export type Browser = ReturnType<Harness["browser"]>;

function formData(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

export const setCookieNames = (response: Response) => response.headers.getSetCookie().map((line) => line.slice(0, line.indexOf("=")));

function cookieOf(jar: CookieJar, name: string): { value: string } | undefined {
  const header = jar.headerFor(APP) ?? "";
  const pair = header.split("; ").find((part) => part.startsWith(`${name}=`));
  return pair ? { value: pair.slice(name.length + 1) } : undefined;
}

/** The continue URL next-auth's callback answered with, asserted to be the plugin's, with its ticket. */
export function continueUrlOf(answer: { response: Response; location: URL | null }): URL {
  expect(answer.response.status).toBe(302);
  expect(answer.location?.origin).toBe(APP);
  expect(answer.location?.pathname).toBe(`${MOUNT}/sign-in/continue`);
  expect(answer.location?.searchParams.get("ticket")).toMatch(/^[A-Za-z0-9_-]{16,128}$/);
  return answer.location!;
}

export const FIRST_FACTORS_BY_FLOW = { password: "pwd", oidc: "oidc", emailLink: "email_link" } as const satisfies Record<string, FirstFactor>;

export async function sessionRowsOf(db: Db, userId: string) {
  return db.select().from(sessions).where(eq(sessions.userId, userId));
}

export async function accountRowsOf(db: Db, userId: string) {
  return db.select().from(accounts).where(eq(accounts.userId, userId));
}

/** The amr details of the user's sign-in audit events (no second factor, or its success), oldest first. */
export async function signInAmrsOf(db: Db, userId: string, type: "sign_in.succeeded" | "sign_in.second_factor_succeeded") {
  const rows = await db.select({ details: auditEvents.details }).from(auditEvents).where(and(eq(auditEvents.subjectUserId, userId), eq(auditEvents.type, type)));
  return rows.map((row) => (row.details as { amr?: string[] } | null)?.amr);
}
