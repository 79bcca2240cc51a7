import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { startFakeOidc, type FakeOidc } from "../fakes/oidc-server";
import { userFor } from "../fakes/oidc-server";
import { databaseTargets } from "../helpers/databases";
import {
  APP,
  continueUrlOf,
  FIRST_FACTORS_BY_FLOW,
  nextAuthHarness,
  OIDC_CALLBACK,
  OIDC_CLIENT,
  SESSION_COOKIE,
  sessionRowsOf,
  signInAmrsOf,
  type Browser,
  type Harness,
} from "../helpers/next-auth";
import { createOrgUser, enrollUser } from "../helpers/two-factor";

// Property: no first factor next-auth proves (a password, OIDC, an email link) starts a session
// before a second factor that is due; the plugin's continue step decides, and the session it
// starts names the first factor.

type Flow = keyof typeof FIRST_FACTORS_BY_FLOW;
const FLOWS = Object.keys(FIRST_FACTORS_BY_FLOW) as Flow[];

describe.each(databaseTargets())("next-auth holds every sign-in, on $name", (target) => {
  let handle: DatabaseHandle;
  let oidc: FakeOidc;
  beforeAll(async () => {
    handle = await target.open();
    oidc = await startFakeOidc({ ...OIDC_CLIENT, redirectUris: [OIDC_CALLBACK] });
  });
  afterAll(async () => {
    await oidc.close();
    await handle.close();
  });

  /** A member of an organization (requiring 2FA or not), known to the fake provider by the same verified email. */
  async function member(harness: Harness, requireTwoFactor: boolean) {
    const { user } = await createOrgUser(handle.db, { requireTwoFactor });
    oidc.addUser(userFor(user.email, user.name ?? user.email, true));
    return user;
  }

  function firstFactorAnswer(browser: Browser, flow: Flow, user: { email: string; password: string }) {
    if (flow === "password") return browser.passwordSignIn(user.email, user.password);
    if (flow === "oidc") return browser.oidcSignIn(user.email);
    return browser.emailLinkSignIn(user.email);
  }

  describe.each(["jwt", "database"] as const)("with %s sessions", (strategy) => {
    let harness: Harness;
    beforeAll(() => {
      harness = nextAuthHarness(handle.db, { strategy, oidc });
    });

    it.each(FLOWS)("%s: next-auth's callback starts nothing; the continue step sends to the challenge; the SMS code starts the session", async (flow) => {
      const firstFactor = FIRST_FACTORS_BY_FLOW[flow];
      const user = await member(harness, true);
      const { phone } = await enrollUser(await harness.deps(), user);
      const browser = harness.browser();

      const callback = await firstFactorAnswer(browser, flow, user);
      expect(callback.setCookies).not.toContain(SESSION_COOKIE);
      expect(await sessionRowsOf(handle.db, user.id)).toEqual([]);
      const continueUrl = continueUrlOf(callback);

      const texted = harness.sms.messagesTo(phone).length;
      const continued = await browser.send(continueUrl);
      expect(continued.response.status).toBe(303);
      expect(continued.setCookies).toContain(harness.pendingCookie);
      expect(continued.setCookies).not.toContain(SESSION_COOKIE);
      expect(continued.location?.pathname).toBe("/two-factor/challenge");
      expect(harness.sms.messagesTo(phone)).toHaveLength(texted + 1);
      expect(await browser.readSession()).toBeNull();
      expect(await sessionRowsOf(handle.db, user.id)).toEqual([]);
      expect(await browser.nextAuthSession()).toBeNull();

      const verified = await browser.challengeVerify(harness.sms.lastCodeTo(phone));
      expect(verified.state).toMatchObject({ ok: true, redirectTo: "/dashboard" });
      expect(verified.setCookies).toContain(SESSION_COOKIE);
      expect(await browser.readSession()).toMatchObject({ userId: user.id, amr: [firstFactor, "sms"] });
      const rows = await sessionRowsOf(handle.db, user.id);
      if (strategy === "database") expect(rows.map((row) => row.amr)).toEqual([[firstFactor, "sms"]]);
      else expect(rows).toEqual([]);

      const session = await browser.nextAuthSession();
      expect(session?.user?.id).toBe(user.id);
      expect(session?.amr).toEqual([firstFactor, "sms"]);
      if (strategy === "database") {
        expect(session?.user?.email).toBe(user.email);
        // next-auth's answer is read by the page's script: the httpOnly cookie's token is not in it.
        expect(JSON.stringify(session)).not.toContain(rows[0]!.sessionToken);
      }
      expect(await signInAmrsOf(handle.db, user.id, "sign_in.second_factor_succeeded")).toEqual([[firstFactor, "sms"]]);
    });

    it.each(FLOWS)("%s: a member whose organization does not require 2FA gets the session from the continue step, amr [first factor]", async (flow) => {
      const firstFactor = FIRST_FACTORS_BY_FLOW[flow];
      const user = await member(harness, false);
      const browser = harness.browser();

      const callback = await firstFactorAnswer(browser, flow, user);
      expect(callback.setCookies).not.toContain(SESSION_COOKIE);
      const continued = await browser.send(continueUrlOf(callback));
      expect(continued.response.status).toBe(303);
      expect(continued.location?.href).toBe(`${APP}/dashboard`);
      expect(continued.setCookies).toContain(SESSION_COOKIE);
      expect(continued.setCookies).not.toContain(harness.pendingCookie);
      expect(await browser.readSession()).toMatchObject({ userId: user.id, amr: [firstFactor] });
      if (strategy === "database") expect((await sessionRowsOf(handle.db, user.id)).map((row) => row.amr)).toEqual([[firstFactor]]);
      expect((await browser.nextAuthSession())?.user?.id).toBe(user.id);
      expect(await signInAmrsOf(handle.db, user.id, "sign_in.succeeded")).toEqual([[firstFactor]]);
    });

    it("a device trusted at a password sign-in skips the challenge at a later OIDC sign-in", async () => {
      const user = await member(harness, true);
      const { phone } = await enrollUser(await harness.deps(), user);
      const browser = harness.browser();
      await browser.send(continueUrlOf(await browser.passwordSignIn(user.email, user.password)));
      const trusted = await browser.challengeVerify(harness.sms.lastCodeTo(phone), true);
      expect(trusted.state.ok).toBe(true);
      expect(browser.jar.names(APP)).toContain(harness.plugin.cookies.names.trustedDevice);
      await browser.signOut();
      expect(await browser.readSession()).toBeNull();

      const texted = harness.sms.messagesTo(phone).length;
      const callback = await browser.oidcSignIn(user.email);
      expect(callback.setCookies).not.toContain(SESSION_COOKIE);
      const continued = await browser.send(continueUrlOf(callback));
      expect(continued.location?.href).toBe(`${APP}/dashboard`);
      expect(continued.setCookies).toContain(SESSION_COOKIE);
      expect(harness.sms.messagesTo(phone)).toHaveLength(texted);
      expect(await browser.readSession()).toMatchObject({ userId: user.id, amr: ["oidc", "trusted_device"] });
      expect(await signInAmrsOf(handle.db, user.id, "sign_in.succeeded")).toEqual([["oidc", "trusted_device"]]);
    });
  });
});
