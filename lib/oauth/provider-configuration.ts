// oidc-provider's configuration for the portal's first-party native apps (docs/oauth-native-apps.md):
// public clients (no secret) with PKCE S256 required; codes for 60 s; access tokens are 15-minute
// JWTs for the API resource carrying `amr` and the organization; refresh tokens rotate on every
// use and a reused one revokes its grant (provider-store.ts makes that race-safe). Every
// authorization goes through the portal's interaction (no provider session or earlier grant is
// reused), so the portal's own sign-in and second-factor rules decide each time.
import { errors, type AdapterFactory, type Configuration, type JWK, type KoaContextWithOIDC } from "oidc-provider";
import { sha256 } from "../crypto";
import type { OAuthClient } from "./clients";

export const ACCESS_TOKEN_SECONDS = 15 * 60;
export const AUTHORIZATION_CODE_SECONDS = 60;
/** A grant (one app sign-in and its refresh-token family) lasts at most this long. */
export const GRANT_SECONDS = 30 * 24 * 60 * 60;
export const INTERACTION_SECONDS = 10 * 60;
/** The scope of the API resource (lib/oauth/provider-configuration.ts getResourceServerInfo). */
export const API_SCOPE = "api";

/** What a token's issuance knows of the sign-in it comes from. */
export interface SignInFacts {
  /** Authentication methods of the sign-in (RFC 8176 values: "pwd", "sms", "otp", "hwk", ...). */
  amr: readonly string[];
  /** Seconds since the epoch: the sign-in's time, and the family's first issue. */
  authTime?: number;
  familyIssuedAt?: number;
  /** The grant (refresh-token family) the code or refresh token belongs to, when there is one. */
  grantId?: string;
}

export interface OAuthAccount {
  organizationId: string | null;
}

/** The portal's answer, injected: null refuses the code or refresh (invalid_grant; the app goes back to the browser). */
export interface OAuthAccounts {
  find(accountId: string, facts: SignInFacts): Promise<OAuthAccount | null>;
}

export interface ProviderConfigurationOptions {
  clients: readonly OAuthClient[];
  store: AdapterFactory;
  accounts: OAuthAccounts;
  /** A private EC P-256 JWK (with kid): signs the access tokens and id tokens (ES256). */
  signingKey: JWK;
  /** Secrets that sign the provider's interaction cookies, newest first. */
  cookieKeys: string[];
  /** The API's resource indicator and JWT audience, e.g. https://connect.example.com/api/v1. */
  apiResource: string;
  /** Where the portal's sign-in for an interaction starts (the provider redirects there). */
  interactionUrl(uid: string): string;
}

type Source = { amr?: string[]; authTime?: number; iiat?: number; grantId?: string } | undefined;

export function providerConfiguration(options: ProviderConfigurationOptions): Configuration {
  const facts = (source: Source): SignInFacts => ({ amr: source?.amr ?? [], authTime: source?.authTime, familyIssuedAt: source?.iiat, grantId: source?.grantId });
  const signInSource = (ctx: KoaContextWithOIDC): Source => (ctx.oidc.entities.RefreshToken ?? ctx.oidc.entities.AuthorizationCode) as Source;
  return {
    adapter: options.store,
    clients: options.clients.map((client) => ({
      client_id: client.clientId,
      client_name: client.name,
      application_type: "native",
      redirect_uris: [...client.redirectUris],
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    })),
    clientDefaults: { id_token_signed_response_alg: "ES256", grant_types: ["authorization_code"], response_types: ["code"] },
    jwks: { keys: [options.signingKey] },
    cookies: { keys: options.cookieKeys },
    routes: { authorization: "/authorize", token: "/token", revocation: "/revoke", jwks: "/jwks" },
    scopes: ["openid"],
    claims: { openid: ["sub"] },
    responseTypes: ["code"],
    pkce: { required: () => true },
    allowOmittingSingleRegisteredRedirectUri: false,
    clientBasedCORS: () => false,
    features: {
      devInteractions: { enabled: false },
      // RFC 7009 §2.1: a public client revokes only its own tokens; another's are left alone, answered 200.
      revocation: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
      rpInitiatedLogout: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => options.apiResource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== options.apiResource) throw new errors.InvalidTarget();
          return {
            scope: API_SCOPE,
            audience: options.apiResource,
            accessTokenTTL: ACCESS_TOKEN_SECONDS,
            accessTokenFormat: "jwt",
            jwt: { sign: { alg: "ES256" } },
          };
        },
      },
    },
    ttl: {
      AccessToken: ACCESS_TOKEN_SECONDS,
      AuthorizationCode: AUTHORIZATION_CODE_SECONDS,
      IdToken: ACCESS_TOKEN_SECONDS,
      RefreshToken: GRANT_SECONDS,
      Grant: GRANT_SECONDS,
      Interaction: INTERACTION_SECONDS,
      Session: INTERACTION_SECONDS,
    },
    rotateRefreshToken: true,
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    expiresWithSession: () => false,
    // Only the grant the interaction just made: never an earlier one kept in the provider's session,
    // so every authorization request goes through the portal's sign-in, and each sign-in through
    // the browser is a new grant, a new refresh-token family.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    interactions: { url: (_ctx, interaction) => options.interactionUrl(interaction.uid) },
    // With a token (a code exchange, a refresh): its sign-in; refused, the grant is invalid_grant.
    // Without one (the authorization resuming after the portal's sign-in step): the provider session
    // the step just made, its methods and time (facts of nobody's sign-in would be refused as signed
    // out); refused there (the rule changed since the step), the app gets access_denied, not a code.
    // An authorization only starting, in a browser whose provider session names an earlier sign-in,
    // is not judged here: it goes to the portal's step anyway (no grant is reused), which offers
    // "Sign in again" when the rule now refuses that sign-in; refusing here would send the app
    // access_denied and leave the member no way to meet the rule.
    findAccount: async (ctx, sub, token) => {
      if (!token && !ctx.oidc?.result?.login) return { accountId: sub, organizationId: null, claims: () => ({ sub }) };
      const session = token ? undefined : ctx.oidc?.session;
      const source = (token ?? (session ? { amr: session.amr, authTime: session.authTime() } : undefined)) as Source;
      const account = await options.accounts.find(sub, facts(source));
      if (!account && !token) throw new errors.AccessDenied("the sign-in does not meet the organization's requirements");
      if (!account) return undefined;
      return { accountId: sub, organizationId: account.organizationId, claims: () => ({ sub }) };
    },
    // amr: how the sign-in was made (RFC 8176); auth_time: when (oidc-provider's JWT access token
    // has no auth_time of its own), so the API holds a token to a reset made after its sign-in;
    // org: the member's organization; gid: the grant's id hashed as the store keeps it, so the API
    // can refuse a token whose family was revoked.
    extraTokenClaims: (ctx, token) => {
      const account = ctx.oidc.entities.Account as { organizationId?: string | null } | undefined;
      const signIn = facts(signInSource(ctx));
      return {
        amr: [...signIn.amr],
        ...(typeof signIn.authTime === "number" ? { auth_time: signIn.authTime } : {}),
        org: account?.organizationId ?? null,
        gid: "grantId" in token && typeof token.grantId === "string" ? sha256(token.grantId) : null,
      };
    },
    renderError: (ctx, out) => {
      ctx.type = "html";
      const text = `${out.error}: ${out.error_description ?? ""}`.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
      ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head><body><main><h1>Sign-in error</h1><p role="alert">${text}</p></main></body></html>`;
    },
  };
}
