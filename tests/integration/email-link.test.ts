import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { EMAIL_LINK_LIMIT, portalProviders } from "@/lib/auth/providers";
import { databaseTargets } from "../helpers/databases";
import { recordingEmailSender, type RecordingEmailSender } from "../helpers/email";
import { createUser } from "../helpers/fixtures";

const APP_URL = "https://connect.example.test";
type SendLink = (params: { identifier: string; url: string }) => Promise<void>;

/** The portal's email provider's sender, as next-auth calls it with the link it made. */
function emailLinkSender(handle: DatabaseHandle, email: RecordingEmailSender, env: Record<string, string | undefined>): SendLink {
  // next-auth keeps a provider's own settings (its id, its sender) in `options` until it merges them.
  const provider = portalProviders(handle.db, email, env)
    .map((p) => p as unknown as { id: string; options?: { id?: string; sendVerificationRequest?: SendLink } })
    .find((p) => (p.options?.id ?? p.id) === "email") as { options: { sendVerificationRequest: SendLink } };
  return (params) => provider.options.sendVerificationRequest(params);
}

describe.each(databaseTargets())("email sign-in links on $name", (target) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(() => handle.close());

  it("an email sign-in link always points at APP_URL, whatever Host the request named (fast-check)", async () => {
    const member = await createUser(handle.db);
    const email = recordingEmailSender();
    // The limit is not what this property is about: a fresh address per run.
    const send = emailLinkSender(handle, email, { APP_URL, NODE_ENV: "production" });
    await fc.assert(
      fc.asyncProperty(fc.webUrl({ withQueryParameters: false, withFragments: false }), fc.stringMatching(/^[0-9a-f]{32,64}$/), async (origin, token) => {
        const made = new URL(`/api/auth/callback/email?callbackUrl=%2F&token=${token}&email=${encodeURIComponent(member.email)}`, origin);
        const before = email.messages.length;
        await send({ identifier: member.email, url: made.toString() }).catch(() => undefined);
        const sent = email.messages.slice(before);
        for (const message of sent) {
          const links = message.text.match(/https?:\/\/\S+/g) ?? [];
          expect(links).toEqual([`${APP_URL}/api/auth/callback/email?callbackUrl=%2F&token=${token}&email=${encodeURIComponent(member.email)}`]);
        }
      }),
      { numRuns: 4 },
    );
    expect(email.messages.length).toBe(4);
  });

  it("without APP_URL in production, no link is made or sent", async () => {
    const member = await createUser(handle.db);
    const email = recordingEmailSender();
    const send = emailLinkSender(handle, email, { NODE_ENV: "production" });
    await expect(send({ identifier: member.email, url: "https://evil.example/api/auth/callback/email?token=abc" })).rejects.toThrow(/APP_URL/);
    expect(email.attempts).toEqual([]);
  });

  it("a member gets at most the limit's links an hour; an address that is no member's gets none", async () => {
    const member = await createUser(handle.db);
    const email = recordingEmailSender();
    const send = emailLinkSender(handle, email, { APP_URL });
    for (let i = 0; i < EMAIL_LINK_LIMIT.limit + 2; i++) await send({ identifier: member.email.toUpperCase(), url: `${APP_URL}/api/auth/callback/email?token=t${i}` });
    expect(email.messagesTo(member.email.toUpperCase()).length + email.messagesTo(member.email).length).toBe(EMAIL_LINK_LIMIT.limit);
    await send({ identifier: "nobody-at-all@example.test", url: `${APP_URL}/api/auth/callback/email?token=x` });
    expect(email.attempts.filter((m) => m.to.toLowerCase() === "nobody-at-all@example.test")).toEqual([]);
  });
});
