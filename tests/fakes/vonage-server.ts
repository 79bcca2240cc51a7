// A local stand-in for the Vonage SMS API (POST /sms/json) for integration and e2e tests.
// Standalone: node --import tsx tests/fakes/vonage-server.ts --port 3199 --key K --secret S
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";

const modeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("ok") }),
  z.object({ kind: z.literal("status"), status: z.string(), errorText: z.string() }),
  z.object({ kind: z.literal("http"), status: z.number().int().min(200).max(599) }),
  z.object({ kind: z.literal("hang") }),
]);
export type FakeVonageMode = z.infer<typeof modeSchema>;

export interface FakeVonageMessage {
  to: string;
  from: string;
  text: string;
  receivedAt: string;
}

export interface FakeVonage {
  /** The restHost to give the SDK, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Messages Vonage accepted (status "0"), oldest first. */
  messages: FakeVonageMessage[];
  setMode(mode: FakeVonageMode): void;
  clear(): void;
  close(): Promise<void>;
}

export interface FakeVonageOptions {
  port?: number;
  apiKey: string;
  apiSecret: string;
}

const MAX_BODY = 64 * 1024;

export async function startFakeVonage({ port = 0, apiKey, apiSecret }: FakeVonageOptions): Promise<FakeVonage> {
  const messages: FakeVonageMessage[] = [];
  let mode: FakeVonageMode = { kind: "ok" };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const raw = await readBody(req).catch(() => null);
    if (raw === null) return reply(res, 413, { error: "body too large" });

    if (url.pathname === "/_fake/messages" && req.method === "GET") return reply(res, 200, messages);
    if (url.pathname === "/_fake/messages" && req.method === "DELETE") {
      messages.length = 0;
      return reply(res, 204);
    }
    if (url.pathname === "/_fake/mode" && req.method === "POST") {
      const next = modeSchema.safeParse(parseJson(raw));
      if (!next.success) return reply(res, 400, { error: "invalid mode" });
      mode = next.data;
      return reply(res, 200, mode);
    }
    if (url.pathname !== "/sms/json" || req.method !== "POST") return reply(res, 404, { error: "not found" });

    if (mode.kind === "hang") return; // never answer; close() destroys the socket
    if (mode.kind === "http") return reply(res, mode.status, { type: "about:blank", title: http.STATUS_CODES[mode.status] });

    const params = { ...Object.fromEntries(url.searchParams), ...parseParams(raw, req.headers["content-type"]) };
    const credentials = basicCredentials(req.headers.authorization) ?? { key: params.api_key, secret: params.api_secret };
    if (credentials.key !== apiKey || credentials.secret !== apiSecret) {
      return smsReply(res, { status: "4", "error-text": "Bad Credentials" });
    }
    const missing = (["from", "to", "text"] as const).find((name) => !params[name]);
    if (missing) return smsReply(res, { status: "2", "error-text": `Missing ${missing} param` });
    if (mode.kind === "status") {
      return smsReply(res, { to: params.to!.replace(/^\+/, ""), status: mode.status, "error-text": mode.errorText });
    }

    const { to = "", from = "", text = "" } = params;
    messages.push({ to, from, text, receivedAt: new Date().toISOString() });
    const accepted = { "message-id": randomUUID(), status: "0", "remaining-balance": "10.0", "message-price": "0.03" };
    smsReply(res, { to: to.replace(/^\+/, ""), ...accepted, network: "12345" });
  });

  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    messages,
    setMode: (next) => {
      mode = next;
    },
    clear: () => {
      messages.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Vonage answers HTTP 200 even when it refuses a message; the status is in the body. */
function smsReply(res: http.ServerResponse, message: Record<string, string>) {
  reply(res, 200, { "message-count": "1", messages: [message] });
}

function reply(res: http.ServerResponse, status: number, body?: unknown) {
  if (body === undefined) return void res.writeHead(status).end();
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

async function readBody(req: http.IncomingMessage): Promise<string | null> {
  let body = "";
  req.setEncoding("utf8");
  for await (const chunk of req) {
    body += chunk;
    if (body.length > MAX_BODY) return null;
  }
  return body;
}

function parseParams(raw: string, contentType = ""): Record<string, string | undefined> {
  if (!contentType.startsWith("application/json")) return Object.fromEntries(new URLSearchParams(raw));
  const parsed = parseJson(raw);
  if (!parsed || typeof parsed !== "object") return {};
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v == null ? undefined : String(v)]));
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function basicCredentials(header: string | undefined) {
  const match = /^Basic\s+(.+)$/i.exec(header ?? "");
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: { port: { type: "string", default: "3199" }, key: { type: "string" }, secret: { type: "string" } },
  });
  if (!values.key || !values.secret) {
    console.error("usage: vonage-server.ts --port 3199 --key KEY --secret SECRET");
    process.exit(2);
  }
  const fake = await startFakeVonage({ port: Number(values.port), apiKey: values.key, apiSecret: values.secret });
  console.info(`fake Vonage listening on ${fake.url}`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => void fake.close().then(() => process.exit(0)));
  }
}
