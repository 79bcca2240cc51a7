import { and, eq, isNull } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db, DatabaseHandle } from "@/lib/db/client";
import { organizations, smsChallenges } from "@/lib/db/schema";
import { passkeys } from "@/lib/two-factor/schema";
import { databaseTargets } from "../helpers/databases";
import { CookieJar, jarWithPending, jarWithSession, mountedPlugin, SESSION_COOKIE, stepRequest, type Mounted } from "../helpers/route-handler";
import { createEnrolledUser, setUpAuthenticatorApp, startChallenge, type TestDeps } from "../helpers/two-factor";

// The property, through the route handler alone (no middleware): in an organization that accepts
// secure methods only, once its grace has passed, an SMS code never starts a session, whatever
// methods the member has, whichever step it is sent to, however the method is spelled. A member
// with a secure method is texted nothing and their code is not spent; an SMS-only member's right
// code leads only to adding a secure method. Within the grace, SMS works as before.

type MethodSet = "sms" | "sms+app" | "sms+passkey" | "sms+app+passkey";
type Step = "verify" | "resend" | "confirm-send" | "confirm-verify";
const METHOD_SETS: MethodSet[] = ["sms", "sms+app", "sms+passkey", "sms+app+passkey"];
const STEPS: Step[] = ["verify", "resend", "confirm-send", "confirm-verify"];
// The exact value and spellings a hand-made request might try.
const SPELLINGS = ["sms", "SMS", "Sms", " sms", "sms ", "sms\u0000", "ｓｍｓ", "sms,authenticator", "text", ""];
const DAY = 86_400_000;

async function setPolicy(db: Db, organizationId: string, graceUntil: Date | null) {
  await db.update(organizations).set({ twoFactorAllowedMethods: "secure", secureMethodsGraceUntil: graceUntil }).where(eq(organizations.id, organizationId));
}

describe.each(databaseTargets())("an SMS code never signs in under secure methods only, on $name", (target) => {
  let handle: DatabaseHandle;
  let mounted: Mounted;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(() => handle.close());

  const post = async (step: string, fields: Record<string, string>, jar: CookieJar) => {
    const response = await mounted.plugin.handler(stepRequest(step, fields, { jar }));
    jar.take(response);
    return { response, state: await response.json() };
  };
  const liveCodes = async (userId: string) =>
    (await handle.db.select().from(smsChallenges).where(and(eq(smsChallenges.userId, userId), isNull(smsChallenges.consumedAt)))).length;

  it("holds for every method set, grace, step and spelling", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHOD_SETS), fc.boolean(), fc.constantFrom(...STEPS), fc.constantFrom(...SPELLINGS), async (methods, inGrace, step, spelling) => {
        // Each run its own clock from now: sealed cookies expire by it, so no run inherits another's lead.
        mounted = mountedPlugin(handle.db);
        deps = { ...(await mounted.plugin.deps()), clock: mounted.clock, sms: mounted.sms };
        const { org, user, phone } = await createEnrolledUser(deps);
        if (methods.includes("app")) await setUpAuthenticatorApp(deps, user);
        if (methods.includes("passkey")) {
          await handle.db.insert(passkeys).values({ userId: user.id, credentialId: crypto.randomUUID(), publicKey: "pk", name: "Key", deviceType: "singleDevice", createdAt: mounted.clock.now() });
        }
        const secure = methods !== "sms";
        // A code texted before the switch (a sign-in under way, or a confirmation asked for then).
        const confirming = step.startsWith("confirm");
        const session = jarWithSession({ userId: user.id, amr: ["pwd"], authTime: mounted.clock.now().getTime() - 3_600_000, organizationId: org.id, role: "member" });
        let jar = session;
        if (confirming) {
          mounted.clock.advance(mounted.plugin.options.resendIntervalMs);
          expect((await post("confirm/send", {}, session)).state).toMatchObject({ ok: true });
        } else {
          mounted.clock.advance(mounted.plugin.options.resendIntervalMs);
          jar = await jarWithPending(mounted, (await startChallenge(deps, user, phone)).pending);
        }
        const code = mounted.sms.lastCodeTo(phone);
        await setPolicy(handle.db, org.id, inGrace ? new Date(mounted.clock.now().getTime() + DAY) : new Date(mounted.clock.now().getTime() - 1));
        mounted.clock.advance(mounted.plugin.options.resendIntervalMs);
        const texted = mounted.sms.messagesTo(phone).length;
        const live = await liveCodes(user.id);

        const sent =
          step === "verify" ? await post("challenge/verify", { method: spelling, code }, jar)
          : step === "resend" ? await post("challenge/resend", { method: spelling }, jar)
          : step === "confirm-send" ? await post("confirm/send", { method: spelling }, jar)
          : await post("confirm/verify", { method: spelling, code, next: "/" }, jar);

        const exact = spelling === "sms";
        const accepted = inGrace;
        const signedIn = jar.values.get(SESSION_COOKIE) !== session.values.get(SESSION_COOKIE) && jar.values.has(SESSION_COOKIE);
        const label = `${methods} ${inGrace ? "in grace" : "past grace"} ${step} ${JSON.stringify(spelling)}: ${JSON.stringify(sent.state)}`;
        if (step === "verify") {
          expect(signedIn, label).toBe(accepted && exact);
          expect(jar.values.has(mounted.plugin.cookies.names.trustedDevice), label).toBe(false);
          if (!exact) expect(sent.response.status, label).toBe(400);
          if (exact && !accepted && !secure) expect(sent.state, label).toMatchObject({ ok: true, redirectTo: "/two-factor/secure-setup" });
          if (exact && !accepted && secure) expect(sent.state.ok, label).toBe(false);
          // Spent only where it proved something: accepted, or the SMS-only member's step to adding an app.
          expect(await liveCodes(user.id), label).toBe(exact && (accepted || !secure) ? live - 1 : live);
        }
        if (step === "resend" || step === "confirm-send") {
          expect(mounted.sms.messagesTo(phone).length, label).toBe(accepted || !secure ? texted + 1 : texted);
        }
        if (step === "confirm-verify") {
          const confirmedOk = sent.state.ok === true;
          expect(confirmedOk, label).toBe(exact && (accepted || !secure));
          expect(await liveCodes(user.id), label).toBe(confirmedOk ? live - 1 : live);
        }
        expect(mounted.errors, label).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });
});
