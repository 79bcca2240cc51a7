import fc from "fast-check";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRANSPORT_MESSAGES, twoFactorRouteAction, type ActionState } from "@/lib/two-factor/react";

// A host without server actions posts the components' forms to the plugin's route handler: each
// answer reaches the form as its ActionState, and no failure of the request throws.

interface Received {
  method: string;
  path: string;
  fields: Record<string, string>;
}

let server: Server;
let origin: string;
let received: Received[] = [];
/** What the next request is answered with. */
let answer: { status: number; type: string; body: string; location?: string } = { status: 200, type: "application/json", body: "{}" };

async function read(request: IncomingMessage, response: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const form = await new Response(Buffer.concat(chunks), { headers: { "content-type": request.headers["content-type"] ?? "" } }).formData();
  received.push({ method: request.method ?? "", path: request.url ?? "", fields: Object.fromEntries([...form].map(([k, v]) => [k, String(v)])) });
  response.writeHead(answer.status, { "content-type": answer.type, ...(answer.location ? { location: answer.location } : {}) });
  response.end(answer.body);
}

beforeAll(async () => {
  server = createServer((request, response) => void read(request, response));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
};
const json = (status: number, state: unknown) => ({ status, type: "application/json", body: JSON.stringify(state) });

describe("twoFactorRouteAction", () => {
  it("posts the form's fields to the step under the mount path and answers the step's state", async () => {
    received = [];
    answer = json(200, { ok: true, phoneMasked: "+1 ••• ••• 0123", resendAt: "2030-01-01T00:00:00.000Z" });
    const send = twoFactorRouteAction(`${origin}/api/two-factor/`, "setup/send");
    const state = await send({}, form({ phone: "+14155550123", timeZone: "Europe/Paris" }));
    expect(state).toEqual({ ok: true, phoneMasked: "+1 ••• ••• 0123", resendAt: "2030-01-01T00:00:00.000Z" });
    expect(received).toEqual([{ method: "POST", path: "/api/two-factor/setup/send", fields: { phone: "+14155550123", timeZone: "Europe/Paris" } }]);
  });

  it("adds the fields the form does not hold (the challenge's method) to what it posts", async () => {
    received = [];
    answer = json(200, { ok: true, redirectTo: "/dashboard" });
    const verifyBackup = twoFactorRouteAction(`${origin}/api/two-factor`, "challenge/verify", { fields: { method: "backup" } });
    expect(await verifyBackup({}, form({ backupCode: "ABCD-EFGH", trustDevice: "on" }))).toEqual({ ok: true, redirectTo: "/dashboard" });
    expect(received).toEqual([{ method: "POST", path: "/api/two-factor/challenge/verify", fields: { backupCode: "ABCD-EFGH", trustDevice: "on", method: "backup" } }]);
  });

  it.each([400, 401, 403, 404, 413, 503])("a refusal (%i) reaches the form as its own error, not as a thrown error", async (status) => {
    answer = json(status, { ok: false, error: `refused with ${status}`, fieldErrors: { code: "That code is not right." } });
    const state = await twoFactorRouteAction(`${origin}/api/two-factor`, "challenge/verify")({}, form({ method: "sms", code: "123456" }));
    expect(state).toEqual({ ok: false, error: `refused with ${status}`, fieldErrors: { code: "That code is not right." } });
  });

  it("an answer that is not the step's JSON (a proxy's error page) says the service is unavailable", async () => {
    answer = { status: 502, type: "text/html", body: "<h1>502 Bad Gateway</h1>" };
    expect(await twoFactorRouteAction(`${origin}/api/two-factor`, "challenge/resend")({}, form({}))).toEqual({ ok: false, error: TRANSPORT_MESSAGES.unavailable });
  });

  it("JSON that is not a state (null, a list, a number) says the service is unavailable", async () => {
    for (const body of ["null", "[1,2]", "42", '"ok"']) {
      answer = { status: 200, type: "application/json", body };
      expect(await twoFactorRouteAction(`${origin}/api/two-factor`, "setup/finish")({}, form({ stored: "on" }))).toEqual({ ok: false, error: TRANSPORT_MESSAGES.unavailable });
    }
  });

  it("a redirect (a gate's answer) is not followed: the host's path for it, or the unavailable sentence", async () => {
    answer = { status: 307, type: "text/plain", body: "", location: "/sign-in" };
    expect(await twoFactorRouteAction(`${origin}/api/two-factor`, "confirm/verify")({}, form({}))).toEqual({ ok: false, error: TRANSPORT_MESSAGES.unavailable });
    const withPath = twoFactorRouteAction(`${origin}/api/two-factor`, "confirm/verify", { redirectedTo: "/sign-in?expired=1" });
    expect(await withPath({}, form({}))).toEqual({ ok: false, redirectTo: "/sign-in?expired=1" });
  });

  it("a server that cannot be reached says so, in the host's words when it gives them", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const mount = `http://127.0.0.1:${port}/api/two-factor`;
    expect(await twoFactorRouteAction(mount, "sign-in/cancel")({}, form({}))).toEqual({ ok: false, error: TRANSPORT_MESSAGES.network });
    const messages = { network: "Offline: try again.", unavailable: "Down: try again." };
    expect(await twoFactorRouteAction(mount, "sign-in/cancel", { messages })({}, form({}))).toEqual({ ok: false, error: "Offline: try again." });
  });

  it("whatever the server answers, the action resolves to a state and never throws", async () => {
    const statuses = fc.constantFrom(200, 400, 401, 403, 404, 409, 413, 422, 429, 500, 502, 503);
    const bodies = fc.oneof(fc.string(), fc.json(), fc.dictionary(fc.string(), fc.string()).map((state) => JSON.stringify(state)));
    await fc.assert(
      fc.asyncProperty(statuses, bodies, async (status, body) => {
        answer = { status, type: "application/json", body };
        const state: ActionState = await twoFactorRouteAction(`${origin}/api/two-factor`, "confirm/send")({}, form({}));
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(body);
        } catch {
          // not JSON: the unavailable sentence
        }
        const isState = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
        expect(state).toEqual(isState ? parsed : { ok: false, error: TRANSPORT_MESSAGES.unavailable });
      }),
      { numRuns: 60 },
    );
  });
});
