import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { emailSenderFromEnv } from "@/lib/email";
import { createOutboxEmailSender } from "@/lib/email/outbox-sender";
import { createSmtpEmailSender } from "@/lib/email/smtp-sender";
import { isOutboxEnabled, latestOutboxMessage, listOutboxMessages, outboxWriter } from "@/lib/outbox";
import { smsConfigurationWarning, smsSenderFromEnv } from "@/lib/sms";
import { createOutboxSmsSender } from "@/lib/sms/outbox-sender";
import { startFakeVonage, type FakeVonage } from "../fakes/vonage-server";
import { databaseTargets } from "../helpers/databases";
import { closedPort } from "../helpers/faults";

describe.each(databaseTargets())("dev outbox on $name", (target) => {
  let handle: DatabaseHandle;
  let fake: FakeVonage;
  const getDb = async () => handle.db;
  beforeAll(async () => {
    handle = await target.open();
    fake = await startFakeVonage({ apiKey: "k", apiSecret: "s" });
    vi.spyOn(console, "info").mockImplementation(() => {});
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await fake.close();
    await handle.close();
  });

  it("stores SMS and email that the outbox page lists newest first", async () => {
    const sms = createOutboxSmsSender(outboxWriter(getDb));
    const email = createOutboxEmailSender(getDb);
    expect(await sms.send({ to: "+17891234567", text: "Your Connect code is 111111." })).toMatchObject({ ok: true });
    expect(await email.send({ to: "ann@example.com", subject: "Reset your password", text: "Open\nhttps://x/1" })).toEqual({
      ok: true,
    });
    expect(await sms.send({ to: "+17891234567", text: "Your Connect code is 222222." })).toMatchObject({ ok: true });

    const listed = await listOutboxMessages(handle.db);
    expect(listed.map((m) => [m.channel, m.recipient, m.subject, m.body])).toEqual([
      ["sms", "+17891234567", null, "Your Connect code is 222222."],
      ["email", "ann@example.com", "Reset your password", "Open\nhttps://x/1"],
      ["sms", "+17891234567", null, "Your Connect code is 111111."],
    ]);
    expect(await listOutboxMessages(handle.db, { limit: 1 })).toHaveLength(1);
    expect(console.info).toHaveBeenCalledWith("[outbox] SMS to +17891234567: Your Connect code is 222222.");
  });

  it("finds the latest message to one recipient on one channel", async () => {
    const sms = createOutboxSmsSender(outboxWriter(getDb));
    for (const code of ["333333", "444444"]) await sms.send({ to: "+447700900123", text: `Code ${code}` });
    expect(await latestOutboxMessage(handle.db, { channel: "sms", recipient: "+447700900123" })).toMatchObject({
      body: "Code 444444",
    });
    expect(await latestOutboxMessage(handle.db, { channel: "email", recipient: "+447700900123" })).toBeNull();
  });

  it("sends SMS to the outbox in development, without Vonage credentials", async () => {
    const sender = smsSenderFromEnv({ NODE_ENV: "development" }, outboxWriter(getDb));
    expect(await sender.send({ to: "+15550001111", text: "dev code 555555" })).toMatchObject({ ok: true });
    expect(await latestOutboxMessage(handle.db, { channel: "sms", recipient: "+15550001111" })).toMatchObject({
      body: "dev code 555555",
    });
  });

  it("sends SMS through Vonage, not the outbox, once VONAGE_API_KEY is set", async () => {
    const env = { NODE_ENV: "development", VONAGE_API_KEY: "k", VONAGE_API_SECRET: "s", VONAGE_REST_HOST: fake.url };
    expect(await smsSenderFromEnv(env, outboxWriter(getDb)).send({ to: "+15550002222", text: "vonage 666666" })).toMatchObject({ ok: true });
    expect(fake.messages).toMatchObject([{ to: "15550002222", from: "Connect", text: "vonage 666666" }]);
    expect(await latestOutboxMessage(handle.db, { channel: "sms", recipient: "+15550002222" })).toBeNull();
  });

  it("refuses to send SMS in production without Vonage credentials or OUTBOX_ENABLED", async () => {
    const env = { NODE_ENV: "production" };
    expect(await smsSenderFromEnv(env, outboxWriter(getDb)).send({ to: "+15550003333", text: "777777" })).toEqual({
      ok: false,
      reason: "not_configured",
      detail: "VONAGE_API_KEY is not set",
    });
    expect(await latestOutboxMessage(handle.db, { channel: "sms", recipient: "+15550003333" })).toBeNull();
    expect(smsConfigurationWarning(env)).toBe(
      "SMS: VONAGE_API_KEY, VONAGE_API_SECRET and VONAGE_SMS_FROM are not set; sending verification codes will fail.",
    );
  });

  it("uses the outbox in production only with OUTBOX_ENABLED=1, and says so in the log", async () => {
    const env = { NODE_ENV: "production", OUTBOX_ENABLED: "1" };
    expect(isOutboxEnabled(env)).toBe(true);
    expect(isOutboxEnabled({ NODE_ENV: "production", OUTBOX_ENABLED: "true" })).toBe(false);
    expect(await smsSenderFromEnv(env, outboxWriter(getDb)).send({ to: "+15550004444", text: "888888" })).toMatchObject({ ok: true });
    expect(smsConfigurationWarning(env)).toContain("/dev/outbox");
    expect(smsConfigurationWarning({ NODE_ENV: "production", VONAGE_API_KEY: "k", VONAGE_API_SECRET: "s" })).toBeNull();
    expect(smsConfigurationWarning({ NODE_ENV: "development" })).toBeNull();
  });

  it("refuses SMS when VONAGE_API_KEY is set without its secret", async () => {
    const result = await smsSenderFromEnv({ NODE_ENV: "development", VONAGE_API_KEY: "k" }, outboxWriter(getDb)).send({
      to: "+15550005555",
      text: "999999",
    });
    expect(result).toEqual({ ok: false, reason: "not_configured", detail: "VONAGE_API_SECRET is not set" });
  });

  it("picks the email transport by env: outbox in development, not_configured in production", async () => {
    const message = { to: "bob@example.com", subject: "Hi", text: "https://x/reset/abc" };
    expect(await emailSenderFromEnv({ NODE_ENV: "development" }, getDb).send(message)).toEqual({ ok: true });
    expect(await latestOutboxMessage(handle.db, { channel: "email", recipient: "bob@example.com" })).toMatchObject({
      subject: "Hi",
    });
    expect(await emailSenderFromEnv({ NODE_ENV: "production" }, getDb).send(message)).toEqual({
      ok: false,
      reason: "not_configured",
      detail: "SMTP_URL is not set",
    });
  });

  it("reports an SMTP server on a closed port as unavailable, without the body", async () => {
    const port = await closedPort();
    const text = "Reset: https://connect.example/reset/s3cr3t-token-0123456789abcdef";
    const sender = createSmtpEmailSender({ url: `smtp://127.0.0.1:${port}`, timeoutMs: 2000 });
    const result = await sender.send({ to: "carol@example.com", subject: "Reset", text });
    expect(result).toMatchObject({ ok: false, reason: "unavailable" });
    expect(JSON.stringify(result)).not.toContain("s3cr3t-token");
    const viaEnv = emailSenderFromEnv({ NODE_ENV: "production", SMTP_URL: `smtp://127.0.0.1:${port}` }, getDb);
    expect(await viaEnv.send({ to: "carol@example.com", subject: "Reset", text })).toMatchObject({ reason: "unavailable" });
  });
});
