// Item 4: the SMS-code verification as a browser submits it, and the password sign-in.
import type { AutocannonRequest } from "autocannon";
import { hashPassword, verifyPassword } from "../lib/auth/password";
import { CONNECTIONS } from "./lib/config";
import {
  actionFormBody,
  actionHeaders,
  clientIp,
  hiddenFormFields,
  multipartBody,
  pendingCookie,
  SESSION_COOKIE,
  serverActionId,
  setCookies,
} from "./lib/forms";
import { runDistinctPosts, runLoad, summarize, type LoadResult } from "./lib/load";
import type { PendingChallenge } from "./lib/seed";
import { BENCH_PASSWORD } from "./lib/seed";
import type { RunningServer } from "./lib/server";

export const CHALLENGE_PAGE = { path: "/two-factor/challenge", segments: ["(two-factor)", "two-factor", "challenge"] };
export const SIGN_IN_PAGE = { path: "/sign-in", segments: ["(auth)", "sign-in"] };

/** A completed step: next-auth set a session cookie (the verify action then answers, the sign-in action redirects). */
export function signedIn(headers: Record<string, string | string[]>): string | null {
  const cookie = setCookies(headers).find((c) => c.startsWith(`${SESSION_COOKIE}=`) && !c.startsWith(`${SESSION_COOKIE}=;`));
  return cookie ? cookie.split(";")[0]! : null;
}

function headersOf(response: Response): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key !== "set-cookie") out[key] = value;
  });
  out["set-cookie"] = response.headers.getSetCookie();
  return out;
}

export interface ActionTemplate {
  actionId: string;
  /** The hidden inputs of the server-rendered form (React's action reference, state and key). */
  hidden: [string, string][];
}

/** The challenge form as a browser gets it: GET the page with a pending sign-in. */
export async function verifyTemplate(server: RunningServer, sessionPassword: string, sample: PendingChallenge): Promise<ActionTemplate> {
  const actionId = serverActionId("app/(two-factor)/two-factor/challenge/actions.ts", "verifySignInCodeAction");
  const response = await fetch(`${server.origin}${CHALLENGE_PAGE.path}`, {
    headers: { cookie: await pendingCookie(sessionPassword, sample) },
    redirect: "manual",
  });
  const html = await response.text();
  if (response.status !== 200) {
    throw new Error(`GET ${CHALLENGE_PAGE.path} with a pending sign-in answered ${response.status} (location ${response.headers.get("location")})`);
  }
  const hidden = hiddenFormFields(html, "code");
  if (!hidden.some(([, value]) => value.includes(actionId))) {
    throw new Error(`the challenge form does not reference verifySignInCodeAction (${actionId}); the build and the page disagree`);
  }
  return { actionId, hidden };
}

export async function signInTemplate(server: RunningServer): Promise<ActionTemplate> {
  const actionId = serverActionId("app/(auth)/sign-in/actions.ts", "signInAction");
  const response = await fetch(`${server.origin}${SIGN_IN_PAGE.path}`, { redirect: "manual" });
  const html = await response.text();
  if (response.status !== 200) throw new Error(`GET ${SIGN_IN_PAGE.path} answered ${response.status}`);
  const hidden = hiddenFormFields(html, "password");
  if (!hidden.some(([, value]) => value.includes(actionId))) throw new Error(`the sign-in form does not reference signInAction (${actionId})`);
  return { actionId, hidden };
}

/** Where the challenge form posts when JavaScript runs (app/api/two-factor/[...step]/route.ts: the plugin's handler). */
export const VERIFY_ROUTE = "/api/two-factor/challenge/verify";

/**
 * What Chromium sends when the challenge form is submitted with JavaScript on: the form's
 * entries (React's hidden inputs for the no-JS action, the code, the checkbox) plus
 * `method`, as multipart, to the verify route, asking for JSON.
 */
export function verifyRequest(server: RunningServer, template: ActionTemplate, cookie: string, code: string, trustDevice: boolean, n: number) {
  const { body, contentType } = multipartBody([
    ...template.hidden,
    ["code", code],
    ...(trustDevice ? [["trustDevice", "on"] as [string, string]] : []),
    ["method", "sms"],
  ]);
  const headers = {
    accept: "application/json",
    origin: server.origin,
    referer: `${server.origin}${CHALLENGE_PAGE.path}`,
    "content-type": contentType,
    "user-agent": "connect-2fa-bench",
    // The rightmost entry is the client address the app records and rate-limits on: one per client.
    "x-forwarded-for": clientIp(n),
    cookie,
  };
  return { headers, body };
}

/** One verification with fetch, checked in full: the first thing the bench does with the verify path. */
export async function verifyOnce(
  server: RunningServer,
  template: ActionTemplate,
  sessionPassword: string,
  challenge: PendingChallenge,
): Promise<string> {
  const { headers, body } = verifyRequest(server, template, await pendingCookie(sessionPassword, challenge), challenge.code, false, 1);
  const response = await fetch(`${server.origin}${VERIFY_ROUTE}`, { method: "POST", headers, body, redirect: "manual" });
  const text = await response.text();
  const session = signedIn(headersOf(response));
  const answer = JSON.parse(text || "null") as { ok?: boolean; redirectTo?: string } | null;
  if (response.status !== 200 || !session || answer?.ok !== true || answer.redirectTo !== "/") {
    throw new Error(
      `a verification with the right code did not sign in: HTTP ${response.status}, ` +
        `set-cookie=${response.headers.getSetCookie().map((c) => c.split("=")[0]).join(",")}\n${text.slice(0, 400)}`,
    );
  }
  return session;
}

export interface VerifyRun {
  result: LoadResult;
  /** Responses that redirected with a new session cookie. */
  signedIn: number;
  failed: number;
}

/**
 * `amount` verifications, each with its own pending sign-in cookie and its own code, at 10
 * concurrent clients. The cookies are sealed just before (the pending sign-in lives 10 minutes).
 * The action answers with where to go next ("/", which the pending sign-in carries); the browser
 * then loads that page itself, which is not part of the step.
 */
export async function runVerifications(
  server: RunningServer,
  template: ActionTemplate,
  sessionPassword: string,
  challenges: PendingChallenge[],
  options: { amount: number; trustDevice: boolean; firstClientIp?: number; returnTo?: string },
): Promise<VerifyRun> {
  // autocannon builds one request per client more than it sends (see runLoad).
  const needed = Math.min(options.amount + CONNECTIONS * 2, challenges.length);
  const amount = Math.min(options.amount, needed - CONNECTIONS * 2);
  if (amount <= 0) throw new Error("not enough seeded challenges");
  const cookies = await Promise.all(challenges.slice(0, needed).map((c) => pendingCookie(sessionPassword, c, options.returnTo)));
  const run = await runDistinctPosts(
    { label: "verify", origin: server.origin, path: VERIFY_ROUTE },
    (n) => {
      const i = Math.min(n, needed - 1);
      return verifyRequest(server, template, cookies[i]!, challenges[i]!.code, options.trustDevice, (options.firstClientIp ?? 0) + i);
    },
    (status, headers) => status === 200 && signedIn(headers) !== null,
    { amount },
  );
  return { result: run.result, signedIn: run.succeeded, failed: run.failed };
}

/**
 * The baseline of the verify figure: the same route, same request shape, with a code that fails
 * the input check ("abc"), so it answers before any cookie, crypto or database work. What is left
 * is Next.js receiving the request (and the gate), the origin check, the form parse and the JSON answer.
 */
export async function runRejectedActions(
  server: RunningServer,
  template: ActionTemplate,
  sessionPassword: string,
  sample: PendingChallenge,
  seconds: number,
): Promise<LoadResult> {
  const { headers, body } = verifyRequest(server, template, await pendingCookie(sessionPassword, sample), "abc", false, 9_999_999);
  let wrong = 0;
  const requests = (): AutocannonRequest[] => [
    {
      method: "POST",
      path: VERIFY_ROUTE,
      headers,
      body,
      onResponse: (status, _body, _context, responseHeaders) => {
        // The plugin's handler answers input that fails a field with 400 (the form's message in its JSON).
        if (status !== 400 || signedIn(responseHeaders)) wrong++;
      },
    },
  ];
  const result = await runLoad({ label: "rejected input", origin: server.origin, path: VERIFY_ROUTE }, { seconds, requests });
  if (wrong > 0) throw new Error(`${wrong} rejected-input verify calls did not answer 400 without a session`);
  return result;
}

/** Password sign-ins through the sign-in page's server action, each for another user and client. */
export async function runPasswordSignIns(
  server: RunningServer,
  template: ActionTemplate,
  emails: string[],
  seconds: number,
): Promise<VerifyRun> {
  const run = await runDistinctPosts(
    { label: "sign-in", origin: server.origin, path: SIGN_IN_PAGE.path },
    (i) => {
      const { body, contentType } = actionFormBody([...template.hidden, ["email", emails[i % emails.length]!], ["password", BENCH_PASSWORD]]);
      const headers = actionHeaders({
        origin: server.origin,
        pagePath: SIGN_IN_PAGE.path,
        segments: SIGN_IN_PAGE.segments,
        actionId: template.actionId,
        contentType,
        clientIp: clientIp(5_000_000 + i),
      });
      return { headers, body };
    },
    (status, headers) => status === 200 && signedIn(headers) !== null,
    { seconds },
  );
  return { result: run.result, signedIn: run.succeeded, failed: run.failed };
}

/** The baseline of the sign-in figure: bare argon2id verifications in this process, 10 at a time. */
export async function runBareArgon2(seconds: number): Promise<LoadResult> {
  const hash = await hashPassword(BENCH_PASSWORD);
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        if (!(await verifyPassword(hash, BENCH_PASSWORD))) throw new Error("argon2 verification failed");
        latencies.push(performance.now() - t);
      }
    }),
  );
  return summarize(latencies, (performance.now() - started) / 1000, 0, 0);
}
