import { expect, request as playwrightRequest, type APIRequestContext, type APIResponse, type Page } from "@playwright/test";
import { E2E_PASSWORD } from "../env";

/** The instances behind the two-instances project's HAProxy (tests/e2e/load-balancer.ts), by the names X-Served-By gives. */
export const INSTANCES = ["app1", "app2"] as const;

/** Which instance answered (HAProxy's X-Served-By): a script's answer or the browser's. */
export function servedBy(response: Pick<APIResponse, "headers" | "url">): string {
  const server = response.headers()["x-served-by"];
  expect(server, `X-Served-By of ${response.url()}`).toMatch(/^app[12]$/);
  return server!;
}

export const otherThan = (server: string) => INSTANCES.find((s) => s !== server)!;

/** Every instance answered at least one of these. */
export function expectBothInstances(servers: Iterable<string>, what = "answers") {
  expect([...new Set(servers)].sort(), `instances that gave the ${what}`).toEqual([...INSTANCES]);
}

/** Records the instance of each answer the browser page gets through the load balancer. */
export function recordPageServers(page: Page, into: string[]) {
  page.on("response", (response) => {
    const server = response.headers()["x-served-by"];
    if (server) into.push(server);
  });
}

/**
 * A script's HTTP client behind the load balancer: its own cookie jar, no redirects followed, and
 * the instance of every answer kept in `served` (shared by a test's clients).
 */
export class BalancedClient {
  private csrfToken: string | null = null;

  private constructor(
    readonly api: APIRequestContext,
    readonly origin: string,
    readonly served: string[],
  ) {}

  static async open(baseURL: string, served: string[], headers: Record<string, string> = {}): Promise<BalancedClient> {
    const api = await playwrightRequest.newContext({ baseURL, maxRedirects: 0, extraHTTPHeaders: headers });
    return new BalancedClient(api, new URL(baseURL).origin, served);
  }

  private note(response: APIResponse): APIResponse {
    this.served.push(servedBy(response));
    return response;
  }

  async get(url: string, headers: Record<string, string> = {}) {
    return this.note(await this.api.get(url, { headers }));
  }

  /** A POST from the portal's own origin (the plugin's route refuses any other) with a form body. */
  async post(url: string, form: Record<string, string>) {
    return this.note(await this.api.post(url, { headers: { origin: this.origin, accept: "application/json" }, form }));
  }

  /** A plugin step (POST /api/two-factor/<step>): its JSON and the instance that answered. */
  async step(step: string, form: Record<string, string> = {}) {
    const response = await this.post(`/api/two-factor/${step}`, form);
    return { status: response.status(), json: (await response.json()) as StepJson, server: servedBy(response), response };
  }

  /**
   * The password, posted to next-auth's Credentials callback as a script would: where it redirects.
   * The CSRF token is asked for once per client, so each later password is one request.
   */
  async postPassword(email: string, password = E2E_PASSWORD) {
    this.csrfToken ??= ((await (await this.get("/api/auth/csrf")).json()) as { csrfToken: string }).csrfToken;
    const csrfToken = this.csrfToken;
    const response = await this.post("/api/auth/callback/credentials", { csrfToken, email, password, callbackUrl: "/" });
    expect(response.status(), `password step for ${email}`).toBeGreaterThanOrEqual(300);
    expect(response.status()).toBeLessThan(400);
    return { location: response.headers().location ?? "", server: servedBy(response) };
  }

  /** A whole password sign-in: the password, then the plugin's continue step with next-auth's ticket. */
  async signIn(email: string, password = E2E_PASSWORD) {
    const first = await this.postPassword(email, password);
    expect(first.location, `next-auth handed ${email}'s sign-in to the continue step`).toMatch(/\/api\/two-factor\/sign-in\/continue\?ticket=/);
    const continued = await this.get(first.location);
    expect(continued.status()).toBe(303);
    return { landed: continued.headers().location ?? "", server: servedBy(continued), passwordServer: first.server };
  }

  /** This client's cookies as a Cookie header, to replay them from other clients. */
  async cookieHeader(): Promise<string> {
    return (await this.api.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  }

  dispose() {
    return this.api.dispose();
  }
}

export interface StepJson {
  ok: boolean;
  error?: string;
  message?: string;
  fieldErrors?: Record<string, string>;
  lockedUntil?: string;
  backupCodes?: string[];
}

/** Sends the same request from `count` clients at once, each with the given cookies: what a double submit or a replay race does. */
export async function atOnce(
  baseURL: string,
  served: string[],
  count: number,
  cookie: string,
  send: (client: BalancedClient) => Promise<APIResponse>,
): Promise<APIResponse[]> {
  const clients = await Promise.all(Array.from({ length: count }, () => BalancedClient.open(baseURL, served, cookie ? { cookie } : {})));
  try {
    return await Promise.all(clients.map(send));
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
  }
}

/** Whether this answer starts a session (sets next-auth's session cookie). */
export function startsSession(response: APIResponse): boolean {
  return response
    .headersArray()
    .some((h) => h.name.toLowerCase() === "set-cookie" && /session-token=[^;]+/.test(h.value) && !/session-token=;/.test(h.value));
}
