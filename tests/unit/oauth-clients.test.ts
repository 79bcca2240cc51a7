import { describe, expect, it } from "vitest";
import { clientRedirectAllowed, parseOAuthClients, parseOAuthClientsJson } from "@/lib/oauth/clients";

const IOS = { clientId: "connect-ios", name: "Connect for iOS", redirectUris: ["com.example.connect:/callback", "https://app.example.com/oauth/callback"] };
const CLI = { clientId: "connect-cli", name: "Connect CLI", redirectUris: ["http://127.0.0.1/callback"] };

describe("OAuth clients from configuration", () => {
  it("accepts native apps with claimed https, private-use scheme and loopback redirect URIs", () => {
    const parsed = parseOAuthClients([IOS, CLI]);
    expect(parsed).toEqual({ ok: true, clients: [IOS, CLI] });
    const [ios, cli] = parsed.ok ? parsed.clients : [];
    expect(clientRedirectAllowed(ios!, "com.example.connect:/callback")).toBe(true);
    expect(clientRedirectAllowed(ios!, "com.example.connect:/callback/")).toBe(false);
    expect(clientRedirectAllowed(cli!, "http://127.0.0.1:53124/callback")).toBe(true);
    expect(clientRedirectAllowed(cli!, "http://localhost:53124/callback")).toBe(false);
  });

  it("no configuration is no clients (OAuth off)", () => {
    expect(parseOAuthClientsJson(undefined)).toEqual({ ok: true, clients: [] });
    expect(parseOAuthClientsJson("  ")).toEqual({ ok: true, clients: [] });
  });

  it("reports every problem at once, each with its place and what to change", () => {
    const parsed = parseOAuthClients([
      { clientId: "Connect iOS", name: "", redirectUris: ["http://localhost/callback", "https://App.example.com/cb"] },
      { ...CLI, redirectUris: [] },
      CLI,
      { ...IOS, secret: "x" },
    ]);
    expect(parsed.ok).toBe(false);
    const errors = parsed.ok ? [] : parsed.errors;
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^OAUTH_CLIENTS\[0\]\.clientId: must be 3 to 64 characters/),
        "OAUTH_CLIENTS[0].name: must not be empty",
        expect.stringMatching(/^OAUTH_CLIENTS\[0\]\.redirectUris\[0\]: "http:\/\/localhost\/callback" use the loopback IP literal .*RFC 8252 §8\.3/),
        'OAUTH_CLIENTS[0].redirectUris[1]: "https://App.example.com/cb" is not in canonical form; write it as https://app.example.com/cb',
        "OAUTH_CLIENTS[1].redirectUris: must list at least one redirect URI",
        expect.stringMatching(/^OAUTH_CLIENTS\[3\]: .*secret/),
      ]),
    );
  });

  it("refuses a client listed twice and a redirect URI listed twice", () => {
    const parsed = parseOAuthClients([CLI, { ...CLI, redirectUris: ["http://127.0.0.1/a", "http://127.0.0.1/a"] }]);
    expect(parsed.ok ? [] : parsed.errors).toEqual(['OAUTH_CLIENTS[1].clientId: "connect-cli" is listed twice', "OAUTH_CLIENTS[1].redirectUris: lists a redirect URI twice"]);
  });

  it("says so when the text is not JSON", () => {
    expect(parseOAuthClientsJson("[{clientId:")).toEqual({ ok: false, errors: [expect.stringContaining("not valid JSON")] });
  });
});
