// A real OpenID Connect provider (oidc-provider) on loopback http, for sign-in with an outside identity
// provider in integration and e2e tests and in development. One confidential client; users by email.
// Standalone: node --import tsx tests/fakes/oidc-server.ts --port 3290 --client-id X --client-secret Y
//   --redirect-uri http://localhost:3000/api/auth/callback/oidc [--redirect-uri ...] [--user email:name:verified]
import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import Provider, { type Configuration, type JWK } from "oidc-provider";
import { handleInteraction, type FakeOidcUser } from "./oidc-interactions";

export type { FakeOidcUser };

export interface FakeOidcOptions {
  port?: number;
  clientId: string;
  clientSecret: string;
  /** Compared exactly, as the provider must. */
  redirectUris: string[];
  users?: FakeOidcUser[];
}

export interface FakeOidc {
  /** e.g. http://127.0.0.1:41234 (no trailing slash), the id_token's iss. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Keyed by lower-cased email. */
  users: Map<string, FakeOidcUser>;
  addUser(user: FakeOidcUser): void;
  close(): Promise<void>;
}

const INTERACTION_PATH = /^\/interaction\/([\w-]+)(?:\/(login|abort))?$/;

export async function startFakeOidc(options: FakeOidcOptions): Promise<FakeOidc> {
  const users = new Map<string, FakeOidcUser>();
  const addUser = (user: FakeOidcUser) => void users.set(user.email.toLowerCase(), user);
  options.users?.forEach(addUser);

  // Listening comes first: the issuer names the port, and a random port is known only once bound.
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(options.port ?? 0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, providerConfiguration(options, users));
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    void route(provider, users, addUser, req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(400, { "content-type": "text/plain" });
      res.end(error instanceof Error ? error.message : "error");
    });
  });

  return {
    issuer,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    users,
    addUser,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function providerConfiguration(options: FakeOidcOptions, users: Map<string, FakeOidcUser>): Configuration {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: "jwk" }), kid: "fake-oidc", use: "sig", alg: "RS256" } as JWK;
  return {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        // oidc-provider accepts client_secret_post as well for a client registered with either.
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: [signingKey] },
    // Signed interaction and session cookies; oidc-provider marks them Secure only on https requests.
    cookies: { keys: [randomBytes(32).toString("hex")] },
    scopes: ["openid", "email", "profile"],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    // Put the scopes' claims in the id_token too: next-auth builds its profile from the id_token alone.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
    renderError: (ctx, out) => {
      ctx.type = "html";
      const text = `${out.error}: ${out.error_description ?? ""}`.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
      ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head><body><main><h1>Sign-in error</h1><p role="alert">${text}</p></main></body></html>`;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const user = [...users.values()].find((candidate) => candidate.sub === sub);
      if (!user) return undefined;
      const claims = { sub: user.sub, email: user.email, email_verified: user.emailVerified, name: user.name };
      return { accountId: user.sub, claims: () => claims };
    },
  };
}

async function route(
  provider: Provider,
  users: Map<string, FakeOidcUser>,
  addUser: (user: FakeOidcUser) => void,
  req: http.IncomingMessage,
  res: http.ServerResponse,
) {
  const { pathname } = new URL(req.url ?? "/", "http://fake");
  if (pathname === "/_fake/health") return void res.writeHead(200, { "content-type": "text/plain" }).end("ok");
  if (pathname === "/_fake/users" && req.method === "POST") {
    const user = parseUser(await readText(req));
    if (!user) return void res.writeHead(400, { "content-type": "text/plain" }).end("expected {email, name, emailVerified}");
    addUser(user);
    return void res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify(user));
  }
  const interaction = INTERACTION_PATH.exec(pathname);
  if (interaction) return handleInteraction(provider, users, req, res, interaction[2]);
  return provider.callback()(req, res);
}

function parseUser(raw: string): FakeOidcUser | null {
  try {
    const body = JSON.parse(raw) as Partial<FakeOidcUser>;
    if (typeof body.email !== "string" || !body.email.includes("@")) return null;
    return userFor(body.email, body.name ?? body.email, body.emailVerified !== false, body.sub);
  } catch {
    return null;
  }
}

/** A stable sub per email, so a restarted provider names the same person the same way. */
export function userFor(email: string, name: string, emailVerified: boolean, sub?: string): FakeOidcUser {
  const derived = `user-${createHash("sha256").update(email.toLowerCase()).digest("hex").slice(0, 16)}`;
  return { sub: sub ?? derived, email, name, emailVerified };
}

async function readText(req: http.IncomingMessage) {
  let body = "";
  req.setEncoding("utf8");
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 16 * 1024) throw new Error("body too large");
  }
  return body;
}

function parseUserArgument(value: string): FakeOidcUser {
  const [email = "", ...rest] = value.split(":");
  const verified = rest.length > 1 ? rest.pop() : "true";
  return userFor(email, rest.join(":") || email, verified !== "false");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "3290" },
      "client-id": { type: "string" },
      "client-secret": { type: "string" },
      "redirect-uri": { type: "string", multiple: true },
      user: { type: "string", multiple: true },
    },
  });
  const clientId = values["client-id"];
  const clientSecret = values["client-secret"];
  const redirectUris = values["redirect-uri"] ?? [];
  if (!clientId || !clientSecret || redirectUris.length === 0) {
    console.error("usage: oidc-server.ts --port 3290 --client-id ID --client-secret SECRET --redirect-uri URL [--user email:name:verified]");
    process.exit(2);
  }
  const users = (values.user ?? []).map(parseUserArgument);
  const fake = await startFakeOidc({ port: Number(values.port), clientId, clientSecret, redirectUris, users });
  console.info(`fake OIDC provider listening; issuer ${fake.issuer}`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => void fake.close().then(() => process.exit(0)));
  }
}
