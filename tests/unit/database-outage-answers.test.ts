import { NextRequest } from "next/server";
import { redirect } from "next/navigation";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { validatedAction } from "@/lib/action";
import { outageFlag } from "@/lib/db/outage-flag";
import { DatabaseQueryError } from "@/lib/db/query-error";
import { ERROR_MESSAGES } from "@/lib/errors";
import middleware from "@/middleware";

vi.mock("next/headers", () => ({ headers: async () => new Headers({ "user-agent": "vitest" }) }));

// What a request is answered while the database is down: the middleware's 503 (the breaker open)
// and the server actions' wrapper (lib/action.ts).
const SENTENCE = ERROR_MESSAGES.SERVICE_UNAVAILABLE;
const request = (path: string, headers: Record<string, string> = {}) => new NextRequest(new URL(path, "http://localhost:3000"), { headers });

afterEach(() => {
  outageFlag().unavailable = false;
  vi.restoreAllMocks();
});

describe("while the database is unavailable, pages and routes answer 503 with Retry-After and one plain sentence", () => {
  it("a page answers 503, Retry-After and a plain page with the sentence, never cached", async () => {
    outageFlag().unavailable = true;
    const answer = await middleware(request("/account-settings?q=somesearch", { accept: "text/html,application/xhtml+xml" }));
    expect(answer.status).toBe(503);
    expect(answer.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.headers.get("content-type")).toMatch(/^text\/html/);
    const body = await answer.text();
    expect(body).toContain(SENTENCE);
    expect(body).not.toContain("somesearch");
  });

  it("a route handler or API request answers 503 with the same sentence as JSON", async () => {
    outageFlag().unavailable = true;
    const answer = await middleware(request("/api/auth/session", { accept: "application/json" }));
    expect(answer.status).toBe(503);
    expect(answer.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    expect(await answer.json()).toEqual({ ok: false, error: SENTENCE });
  });

  it("a server action goes on to its wrapper, which answers in its form (React cannot show a 503 as an action's answer)", async () => {
    outageFlag().unavailable = true;
    const answer = await middleware(request("/account-settings", { accept: "text/x-component", "next-action": "7f00" }));
    expect(answer.status).not.toBe(503);
  });

  it("with the database up nothing is answered 503", async () => {
    const answer = await middleware(request("/sign-in", { accept: "text/html" }));
    expect(answer.status).not.toBe(503);
  });
});

describe("a server action whose database fails answers the sentence in its form and says it once; anything else is thrown on", () => {
  const schema = z.object({ name: z.string() });
  const form = () => {
    const data = new FormData();
    data.set("name", "Otto");
    return data;
  };

  it("a failed query: the sentence, what was typed kept, one safe line in the log", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const secret = "member-search-3f9a";
    const action = validatedAction(schema, async () => {
      throw new DatabaseQueryError(Object.assign(new Error('duplicate key value violates unique constraint "users_pkey"'), { code: "23505", detail: `Key (email)=(${secret}) already exists.` }));
    }, { echo: ["name"] });
    expect(await action({}, form())).toEqual({ ok: false, error: SENTENCE, values: { name: "Otto" } });
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0]![0])).toBe('database query failed: duplicate key value violates unique constraint "users_pkey"');
  });

  it("the breaker open: the action is not run at all", async () => {
    outageFlag().unavailable = true;
    const act = vi.fn(async () => ({ ok: true }));
    expect(await validatedAction(schema, act)({}, form())).toMatchObject({ ok: false, error: SENTENCE });
    expect(act).not.toHaveBeenCalled();
  });

  it("Next.js's redirect and any other error are not swallowed", async () => {
    await expect(validatedAction(schema, async () => redirect("/sign-in"))({}, form())).rejects.toMatchObject({ digest: expect.stringMatching(/^NEXT_REDIRECT/) });
    await expect(validatedAction(schema, async () => { throw new Error("a bug"); })({}, form())).rejects.toThrow("a bug");
  });
});
