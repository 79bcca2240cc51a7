// The provider mounted under a path of the portal, as a Node (req, res) handler: what a Next.js
// pages API route with its body parser off (pages/api/oauth/[...path].ts) or a plain http server
// (the tests) calls. It strips the mount path the way Express's app.use does (oidc-provider reads
// the mount from req.originalUrl), sends the interaction URL to the portal's sign-in, and checks an
// authorization request's redirect URI with this server's own exact rule (redirect-uri.ts) before
// the provider sees it: a refused URI gets an error page, never a redirect (RFC 6749 §4.1.2.1).
import type http from "node:http";
import type Provider from "oidc-provider";
import { clientRedirectAllowed, findClient, type OAuthClient } from "./clients";

export type NodeHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

export interface ProviderMountOptions {
  /** e.g. "/oauth": the issuer's path. */
  mountPath: string;
  clients: readonly OAuthClient[];
  /** The portal's sign-in step for an interaction (see interaction-result.ts). */
  interaction(req: http.IncomingMessage, res: http.ServerResponse, uid: string): Promise<void>;
}

const INTERACTION = /^\/interaction\/([\w-]{1,64})$/;

export function mountProvider(provider: Provider, options: ProviderMountOptions): NodeHandler {
  const callback = provider.callback();
  return async (req, res) => {
    const url = req.url ?? "/";
    if (url !== options.mountPath && !url.startsWith(`${options.mountPath}/`) && !url.startsWith(`${options.mountPath}?`)) {
      return void res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
    const inner = url.slice(options.mountPath.length) || "/";
    const { pathname, searchParams } = new URL(inner, "http://mount");
    const interaction = INTERACTION.exec(pathname);
    if (interaction) return options.interaction(req, res, interaction[1]!);
    if (pathname === "/authorize") {
      if (req.method !== "GET") return void res.writeHead(405, { allow: "GET" }).end();
      const refusal = authorizationRefusal(options.clients, searchParams);
      if (refusal) return sendErrorPage(res, refusal);
    }
    Object.assign(req, { originalUrl: url, url: inner });
    await callback(req, res);
  };
}

/** Why an authorization request must not be redirected anywhere, or null to let the provider decide the rest. */
function authorizationRefusal(clients: readonly OAuthClient[], params: URLSearchParams): string | null {
  const clientIds = params.getAll("client_id");
  const redirectUris = params.getAll("redirect_uri");
  if (clientIds.length !== 1 || redirectUris.length !== 1) return "invalid_request: exactly one client_id and one redirect_uri are required";
  const client = findClient(clients, clientIds[0]!);
  if (!client) return "invalid_client: this app is not registered";
  if (!clientRedirectAllowed(client, redirectUris[0]!)) return "invalid_request: this redirect_uri is not registered for the app";
  return null;
}

function sendErrorPage(res: http.ServerResponse, text: string) {
  const safe = text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  res.writeHead(400, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head><body><main><h1>Sign-in error</h1><p role="alert">${safe}</p></main></body></html>`);
}
