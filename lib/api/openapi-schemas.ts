// The JSON Schemas (2020-12, OpenAPI 3.1's dialect) of the API's bodies: what lib/api/me.ts and
// lib/api/security-summary.ts answer, and the error body every refusal has. Closed objects
// (additionalProperties: false), so a field the app does not know of is a change of this document.

const isoDateOrNull = { type: ["string", "null"], format: "date-time" } as const;

export const API_SCHEMAS = {
  Error: {
    type: "object",
    required: ["error", "error_description"],
    additionalProperties: false,
    properties: {
      error: { type: "string", description: "A code: invalid_token, insufficient_user_authentication, unauthorized, not_found, method_not_allowed, temporarily_unavailable." },
      error_description: { type: "string", description: "A sentence the app may show the member." },
    },
  },
  Me: {
    type: "object",
    required: ["id", "email", "name", "organization", "amr", "clientId"],
    additionalProperties: false,
    properties: {
      id: { type: "string" },
      email: { type: "string", format: "email" },
      name: { type: ["string", "null"] },
      organization: {
        oneOf: [
          {
            type: "object",
            required: ["id", "name", "role"],
            additionalProperties: false,
            properties: {
              id: { type: "string" },
              name: { type: "string" },
              role: { enum: ["owner", "admin", "member", null] },
            },
          },
          { type: "null" },
        ],
      },
      amr: { type: "array", items: { type: "string" }, description: "How this token's sign-in was made (RFC 8176 values, e.g. pwd, sms, otp, hwk)." },
      clientId: { type: "string", description: "The app the token was issued to." },
    },
  },
  SecuritySummary: {
    type: "object",
    required: ["twoFactor", "methods", "preferredMethod", "backupCodesRemaining", "trustedDevices", "signedInApps", "organization"],
    additionalProperties: false,
    properties: {
      twoFactor: {
        type: "object",
        required: ["required", "requiredBy", "graceUntil", "enrolled"],
        additionalProperties: false,
        properties: {
          required: { type: "boolean", description: "A second factor is asked at sign-in now." },
          requiredBy: { enum: ["organization", "member", null] },
          graceUntil: { ...isoDateOrNull, description: "Until when the member may still skip setting up two-factor authentication the organization requires." },
          enrolled: { type: "boolean", description: "Some second factor is set up." },
        },
      },
      methods: {
        type: "object",
        required: ["sms", "authenticatorApp", "passkeys"],
        additionalProperties: false,
        properties: {
          sms: {
            oneOf: [
              { type: "object", required: ["phone"], additionalProperties: false, properties: { phone: { type: "string", description: "The phone number, masked." } } },
              { type: "null" },
            ],
          },
          authenticatorApp: { type: "boolean" },
          passkeys: { type: "integer", minimum: 0 },
        },
      },
      preferredMethod: { enum: ["passkey", "authenticator", "sms", null] },
      backupCodesRemaining: { type: "integer", minimum: 0 },
      trustedDevices: { type: "integer", minimum: 0 },
      signedInApps: { type: "integer", minimum: 0 },
      organization: {
        oneOf: [
          {
            type: "object",
            required: ["allowedMethods", "smsAcceptedUntil"],
            additionalProperties: false,
            properties: {
              allowedMethods: { enum: ["any", "secure"], description: "secure: an authenticator app or a passkey only." },
              smsAcceptedUntil: { ...isoDateOrNull, description: "With secure: until when a member with only SMS may still sign in with it (null: no longer, or any method is accepted)." },
            },
          },
          { type: "null" },
        ],
      },
    },
  },
} as const;
