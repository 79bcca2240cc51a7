// The API's OpenAPI 3.1 document (issue 19 §3), public at /api/v1/openapi.json: the two bearer-token
// resources, how an app gets a token (OAuth 2.0 authorization code with PKCE, RFC 8252), and every
// refusal, with the WWW-Authenticate an app must read: invalid_token (sign in again) and RFC 9470's
// insufficient_user_authentication (sign in again through the browser, with a second factor).
import { oauthSettingsFromEnv } from "../config/oauth";
import { apiError, apiJson, apiNotFound } from "../oauth-portal/api-route";
import { API_SCHEMAS } from "./openapi-schemas";

const ref = (name: string) => ({ $ref: `#/components/${name}` });

const jsonOf = (schema: string) => ({ "application/json": { schema: ref(`schemas/${schema}`) } });

function operation(summary: string, description: string, schema: keyof typeof API_SCHEMAS) {
  return {
    get: {
      summary,
      description,
      security: [{ bearer: [] }, { oauth2: ["api"] }],
      responses: {
        "200": { description: "The member's data.", headers: { "Cache-Control": ref("headers/NoStore") }, content: jsonOf(schema) },
        "401": ref("responses/Unauthorized"),
        "404": ref("responses/NotFound"),
        "405": ref("responses/MethodNotAllowed"),
        "503": ref("responses/Unavailable"),
      },
    },
  };
}

export function openApiDocument(origin: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Connect API for apps",
      version: "1.0.0",
      description:
        "Bearer-token resources for the portal's registered native apps. Every request is checked like a page of the portal: a token whose sign-in lacks a second factor the organization now requires is refused with insufficient_user_authentication (RFC 9470); the app sends the member back through the browser.",
    },
    servers: [{ url: `${origin}/api/v1` }],
    paths: {
      "/me": operation("Who is signed in", "The member, their organization and role, and how this token's sign-in was made.", "Me"),
      "/security": operation("The member's security", "Two-factor authentication as the Security page shows it: requirement, methods, backup codes, trusted devices, signed-in apps.", "SecuritySummary"),
    },
    components: {
      schemas: API_SCHEMAS,
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "A 15-minute access token (RFC 9068) from /oauth/token." },
        oauth2: {
          type: "oauth2",
          description: "Authorization code with PKCE (S256 only) in the system browser (RFC 8252); public clients registered in the portal's configuration.",
          flows: {
            authorizationCode: {
              authorizationUrl: `${origin}/oauth/authorize`,
              tokenUrl: `${origin}/oauth/token`,
              refreshUrl: `${origin}/oauth/token`,
              scopes: { api: "This API, as the signed-in member." },
            },
          },
        },
      },
      headers: {
        NoStore: { description: "Never cached.", schema: { type: "string", const: "no-store" } },
        WWWAuthenticate: {
          description:
            'RFC 6750 §3. No error code when no token was sent; error="invalid_token" for a malformed, invalid, expired or revoked token (sign in again); error="insufficient_user_authentication" (RFC 9470) when the sign-in lacks what the organization now requires (sign in again through the browser, with a second factor).',
          required: true,
          schema: { type: "string", pattern: '^Bearer realm="connect"' },
        },
        RetryAfter: { description: "Seconds to wait.", schema: { type: "integer", minimum: 1 } },
      },
      responses: {
        Unauthorized: {
          description: "No usable token, or its sign-in no longer holds.",
          headers: { "WWW-Authenticate": ref("headers/WWWAuthenticate") },
          content: {
            "application/json": {
              schema: ref("schemas/Error"),
              examples: {
                invalid_token: { value: { error: "invalid_token", error_description: "The access token has expired." } },
                insufficient_user_authentication: {
                  value: { error: "insufficient_user_authentication", error_description: "Your organization now requires two-factor authentication. Sign in again with your second factor." },
                },
              },
            },
          },
        },
        NotFound: { description: "No app is registered with this portal: the API is off.", content: jsonOf("Error") },
        MethodNotAllowed: { description: "Only GET (and HEAD, OPTIONS) are answered.", headers: { Allow: { schema: { type: "string" } } }, content: jsonOf("Error") },
        Unavailable: { description: "The database cannot be reached; no request is answered without its check.", headers: { "Retry-After": ref("headers/RetryAfter") }, content: jsonOf("Error") },
      },
    },
  };
}

/** The document on the portal's public origin; 404 when no app is registered (the API is off). */
export function openApiResponse(env: Record<string, string | undefined> = process.env): Response {
  const result = oauthSettingsFromEnv(env);
  if (!result.ok) return apiError(503, "temporarily_unavailable", "The API is not configured correctly.");
  if (!result.settings) return apiNotFound();
  return apiJson(200, openApiDocument(new URL(result.settings.issuer).origin));
}
