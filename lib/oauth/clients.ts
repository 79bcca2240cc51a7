// The portal's first-party OAuth clients, registered in configuration (issue 19 §4): each a public
// native app (no secret; PKCE S256 proves the caller, RFC 8252 §8.4) with a client id, the name
// shown on the sign-in page, and its exact redirect URIs. Parsed with zod; every problem is
// reported at once with the place it was found, for the start banner and the deploy log.
import { z } from "zod";
import { classifyRedirectUri, redirectUriMatches, type RedirectUriKind } from "./redirect-uri";

export interface OAuthClient {
  clientId: string;
  /** Shown to the member on the portal's sign-in page ("Sign in to Connect for iOS"). */
  name: string;
  redirectUris: readonly string[];
}

export type OAuthClientsResult = { ok: true; clients: readonly OAuthClient[] } | { ok: false; errors: string[] };

const CLIENT_ID = /^[a-z0-9][a-z0-9._-]{2,63}$/;

const redirectUri = z.string().superRefine((uri, ctx) => {
  const classified = classifyRedirectUri(uri);
  if (!classified.ok) ctx.addIssue({ code: "custom", message: `${JSON.stringify(uri)} ${classified.problem}` });
});

const clientSchema = z
  .object({
    clientId: z.string().regex(CLIENT_ID, "must be 3 to 64 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"),
    name: z.string().trim().min(1, "must not be empty").max(80, "must be at most 80 characters"),
    redirectUris: z.array(redirectUri).min(1, "must list at least one redirect URI"),
  })
  .strict();

const clientsSchema = z.array(clientSchema).superRefine((clients, ctx) => {
  const seen = new Set<string>();
  clients.forEach((client, index) => {
    if (seen.has(client.clientId)) {
      ctx.addIssue({ code: "custom", path: [index, "clientId"], message: `${JSON.stringify(client.clientId)} is listed twice` });
    }
    seen.add(client.clientId);
    if (new Set(client.redirectUris).size !== client.redirectUris.length) {
      ctx.addIssue({ code: "custom", path: [index, "redirectUris"], message: "lists a redirect URI twice" });
    }
  });
});

/** Parses the clients' configuration (already JSON-decoded), e.g. from OAUTH_CLIENTS. */
export function parseOAuthClients(raw: unknown): OAuthClientsResult {
  const parsed = clientsSchema.safeParse(raw);
  if (parsed.success) return { ok: true, clients: parsed.data.map((client) => Object.freeze({ ...client, redirectUris: Object.freeze([...client.redirectUris]) })) };
  return { ok: false, errors: parsed.error.issues.map((issue) => `OAUTH_CLIENTS${issue.path.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("")}: ${issue.message}`) };
}

/** Parses the JSON text of OAUTH_CLIENTS; an absent or empty value is no clients (OAuth off). */
export function parseOAuthClientsJson(text: string | undefined): OAuthClientsResult {
  if (text === undefined || text.trim() === "") return { ok: true, clients: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, errors: ["OAUTH_CLIENTS: is not valid JSON (expected a list of {clientId, name, redirectUris})"] };
  }
  return parseOAuthClients(raw);
}

export function findClient(clients: readonly OAuthClient[], clientId: string): OAuthClient | null {
  return clients.find((client) => client.clientId === clientId) ?? null;
}

/** Whether the client may be sent back to `requested` (exact, or a loopback URI with any port). */
export function clientRedirectAllowed(client: OAuthClient, requested: string): boolean {
  return redirectUriMatches(client.redirectUris, requested);
}

export function redirectUriKind(uri: string): RedirectUriKind | null {
  const classified = classifyRedirectUri(uri);
  return classified.ok ? classified.kind : null;
}
