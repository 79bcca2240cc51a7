import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle, Db } from "@/lib/db/client";
import { portalTwoFactorHost } from "@/lib/two-factor-host";
import { completeSignInChallenge } from "@/lib/two-factor/challenge-completion";
import { createTwoFactor, TwoFactorConfigError, type TwoFactorConfig } from "@/lib/two-factor";
import { DEFAULT_TWO_FACTOR_OPTIONS } from "@/lib/two-factor/options";
import { databaseTargets } from "../helpers/databases";
import { recordingEmailSender } from "../helpers/email";
import { testClock, testRequest } from "../helpers/fixtures";
import { recordingSmsSender } from "../helpers/sms";
import { createEnrolledUser, startChallenge, type TestDeps } from "../helpers/two-factor";

// The plugin's one entry point, as a host mounts it: its options resolved with their defaults, its
// configuration mistakes said at once, and several servers made from one configuration agreeing.

const secret = "a".repeat(40);
const sessionPassword = "b".repeat(40);

function hostConfig(overrides: Partial<TwoFactorConfig<Db>> = {}): TwoFactorConfig<Db> {
  return {
    database: () => {
      throw new Error("no database in this test");
    },
    host: portalTwoFactorHost,
    sms: recordingSmsSender(),
    email: recordingEmailSender(),
    secret,
    sessionPassword,
    startSession: async () => [],
    getSession: async () => null,
    ...overrides,
  };
}

describe("createTwoFactor's options", () => {
  const optionKeys = Object.keys(DEFAULT_TWO_FACTOR_OPTIONS) as (keyof typeof DEFAULT_TWO_FACTOR_OPTIONS)[];

  it("every option a host leaves out is its documented default, every one it sets is kept, and the host's parts are not options", () => {
    fc.assert(
      fc.property(fc.subarray(optionKeys), fc.integer({ min: 1, max: 10_000 }), (chosen, n) => {
        const overrides: Record<string, unknown> = {};
        for (const key of chosen) {
          const fallback = DEFAULT_TWO_FACTOR_OPTIONS[key];
          overrides[key] =
            typeof fallback === "number" ? n : key === "cookiePrefix" ? `p${n}` : key.endsWith("Path") ? `/p${n}` : key === "appName" ? `App ${n}` : fallback;
        }
        const { options } = createTwoFactor(hostConfig(overrides as Partial<TwoFactorConfig<Db>>));
        for (const key of optionKeys) expect(options[key]).toEqual(chosen.includes(key) ? overrides[key] : DEFAULT_TWO_FACTOR_OPTIONS[key]);
        expect(Object.keys(options).sort()).toEqual([...optionKeys].sort());
      }),
    );
  });

  it("a short secret or session password, a path not from the root, or a cookie prefix that cannot name a cookie is refused when the plugin is created", () => {
    expect(() => createTwoFactor(hostConfig({ secret: "x".repeat(31) }))).toThrow(new TwoFactorConfigError("secret must be at least 32 characters"));
    expect(() => createTwoFactor(hostConfig({ sessionPassword: "" }))).toThrow(TwoFactorConfigError);
    const badPath = fc.oneof(
      fc.string().filter((s) => !s.startsWith("/")),
      fc.string().map((s) => `//${s}`),
      fc.constantFrom("/a b", "/a?x", "/a#x", "/..%2f", "/a\\b", "/a;b"),
    );
    fc.assert(
      fc.property(badPath, fc.constantFrom("twoFactorPath", "signInPath", "setupDonePath", "securityPath", "adminPath", "confirmPath"), (path, key) => {
        expect(() => createTwoFactor(hostConfig({ [key]: path }))).toThrow(TwoFactorConfigError);
      }),
    );
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/^[A-Za-z0-9_-]{1,32}$/.test(s)),
        (cookiePrefix) => void expect(() => createTwoFactor(hostConfig({ cookiePrefix }))).toThrow(TwoFactorConfigError),
      ),
    );
  });

  it("the flow's cookie names and pages follow the host's options", () => {
    const plugin = createTwoFactor(hostConfig({ cookiePrefix: "acme", twoFactorPath: "/account/mfa", signInPath: "/login" }));
    expect(plugin.cookies.names.pendingSignIn).toBe("__Host-acme-pending");
    expect(plugin.paths).toMatchObject({ challenge: "/account/mfa/challenge", setup: "/account/mfa/setup", signInExpired: "/login?expired=1" });
  });

  it("the WebOTP line names the request's host without its port, unless the host set webOtpHost", async () => {
    const database = () => ({}) as never;
    expect((await createTwoFactor(hostConfig({ database })).deps({ host: "portal.example:3000" })).options.webOtpHost).toBe("portal.example");
    expect((await createTwoFactor(hostConfig({ database })).deps({})).options.webOtpHost).toBeNull();
    expect((await createTwoFactor(hostConfig({ database, webOtpHost: "id.example" })).deps({ host: "portal.example" })).options.webOtpHost).toBe("id.example");
  });
});

describe.each(databaseTargets())("several servers mounting one configuration, on $name", (target) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(() => handle.close());

  const server = (clock: ReturnType<typeof testClock>, sms: ReturnType<typeof recordingSmsSender>, key = secret) =>
    createTwoFactor(hostConfig({ database: () => handle.db, sms, clock, secret: key, startSession: async () => [] }));

  it("a code texted by one server is accepted by another made with the same secret, and by none made with another", async () => {
    const clock = testClock();
    const sms = recordingSmsSender();
    // The test's own clock and sender, as the server was given them.
    const first: TestDeps = { ...(await server(clock, sms).deps()), clock, sms };
    const { user, phone } = await createEnrolledUser(first);
    const { pending, code } = await startChallenge(first, user, phone);

    const stranger = await server(clock, sms, "c".repeat(40)).deps();
    const refused = await completeSignInChallenge(stranger, { method: "sms", pending, code, trustThisDevice: false, request: testRequest() });
    expect(refused).toMatchObject({ ok: false, code: "INVALID_CODE" });

    const second = await server(clock, sms).deps();
    const done = await completeSignInChallenge(second, { method: "sms", pending, code, trustThisDevice: false, request: testRequest() });
    expect(done).toMatchObject({ ok: true, redirectTo: "/" });
  });
});
