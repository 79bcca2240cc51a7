// What a native app sends to the portal's authorization server, as a public client (RFC 6749 §2.1,
// RFC 8252 §8.4: no secret, client_id in the form): form POSTs from the app itself, not from a web
// page, so no Origin and no cookie. The endpoints come from the discovery document.

export interface Endpoints {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint: string;
  jwks_uri: string;
  authorization_response_iss_parameter_supported?: boolean;
  code_challenge_methods_supported?: string[];
}

export interface TokenBody {
  access_token?: string;
  refresh_token?: string;
  id_token?: string;
  expires_in?: number;
  token_type?: string;
  scope?: string;
  error?: string;
  error_description?: string;
}

export interface TokenAnswer {
  status: number;
  body: TokenBody;
}

/** The issuer's discovery document (`${portal}/oauth/.well-known/openid-configuration`). */
export async function discoverEndpoints(portal: string): Promise<Endpoints> {
  const response = await fetch(`${portal}/oauth/.well-known/openid-configuration`, { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`discovery answered ${response.status}`);
  return (await response.json()) as Endpoints;
}

export async function postForm(url: string, form: Record<string, string>): Promise<TokenAnswer> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams(form),
    redirect: "manual",
  });
  const text = await response.text();
  let body: TokenBody = {};
  try {
    body = text ? (JSON.parse(text) as TokenBody) : {};
  } catch {
    body = { error: `not JSON: ${text.slice(0, 200)}` };
  }
  return { status: response.status, body };
}

export interface CodeGrant {
  code: string;
  verifier: string;
  redirectUri: string;
}

export const exchangeCode = (endpoints: Endpoints, clientId: string, grant: CodeGrant) =>
  postForm(endpoints.token_endpoint, {
    grant_type: "authorization_code",
    client_id: clientId,
    code: grant.code,
    code_verifier: grant.verifier,
    redirect_uri: grant.redirectUri,
  });

export const refreshTokens = (endpoints: Endpoints, clientId: string, refreshToken: string) =>
  postForm(endpoints.token_endpoint, { grant_type: "refresh_token", client_id: clientId, refresh_token: refreshToken });

export const revokeToken = (endpoints: Endpoints, clientId: string, token: string, hint: "refresh_token" | "access_token" = "refresh_token") =>
  postForm(endpoints.revocation_endpoint, { client_id: clientId, token, token_type_hint: hint });

/** The error code of a 401's WWW-Authenticate (RFC 6750 §3), or null when it names none. */
export function bearerError(header: string | null): string | null {
  return header ? (/\berror="([^"]*)"/.exec(header)?.[1] ?? null) : null;
}
