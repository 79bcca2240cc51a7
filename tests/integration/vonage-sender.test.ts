import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SmsSendResult } from "@/lib/sms/sender";
import { createVonageSmsSender } from "@/lib/sms/vonage-sender";
import { latestCodeFor, setFakeVonageMode, fakeVonageMessages, clearFakeVonage } from "../fakes/vonage-client";
import { startFakeVonage, type FakeVonage } from "../fakes/vonage-server";
import { closedPort } from "../helpers/faults";

const credentials = { apiKey: "test-key", apiSecret: "test-secret" };
const PHONE = "+17891234567";
const TEXT = "Your Connect code is 493817. It expires in 10 minutes.";

const VONAGE_ERRORS: [status: string, errorText: string][] = [
  ["1", "Throttled"],
  ["2", "Missing to param"],
  ["3", "Invalid from param"],
  ["4", "Bad Credentials"],
  ["5", "Internal Error"],
  ["6", "Invalid Message"],
  ["7", "Number barred"],
  ["8", "Partner account barred"],
  ["9", "Partner quota violation"],
  ["15", "Illegal Sender Address - rejected"],
  ["29", "Non White-listed Destination - rejected"],
];

function expectNoSecrets(result: SmsSendResult) {
  const serialized = JSON.stringify(result);
  expect(serialized).not.toContain("493817");
  expect(serialized).not.toContain(TEXT);
  expect(serialized).not.toContain("7891234567");
}

describe("Vonage SMS sender (real SDK against a fake Vonage)", () => {
  let fake: FakeVonage;
  beforeAll(async () => {
    fake = await startFakeVonage(credentials);
  });
  afterEach(() => {
    fake.setMode({ kind: "ok" });
    fake.clear();
  });
  afterAll(() => fake.close());

  const sender = (overrides: { apiSecret?: string; timeoutMs?: number } = {}) =>
    createVonageSmsSender({ ...credentials, from: "Connect", restHost: fake.url, ...overrides });

  it("delivers the message with the given number, sender id and text, and returns Vonage's message id", async () => {
    const result = await sender().send({ to: PHONE, text: TEXT });
    expect(result).toEqual({ ok: true, messageId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(fake.messages).toEqual([
      { to: "17891234567", from: "Connect", text: TEXT, receivedAt: expect.any(String) },
    ]);
  });

  it("refuses a sender with the wrong API secret as rejected with Vonage status 4", async () => {
    const result = await sender({ apiSecret: "wrong" }).send({ to: PHONE, text: TEXT });
    expect(result).toEqual({ ok: false, reason: "rejected", detail: "vonage status 4: Bad Credentials" });
    expect(fake.messages).toEqual([]);
    expectNoSecrets(result);
  });

  it.each(VONAGE_ERRORS)("reports Vonage status %s (%s) as rejected, without the text or number", async (status, errorText) => {
    fake.setMode({ kind: "status", status, errorText });
    const result = await sender().send({ to: PHONE, text: TEXT });
    expect(result).toEqual({ ok: false, reason: "rejected", detail: `vonage status ${status}: ${errorText}` });
    expectNoSecrets(result);
  });

  it("keeps the number and the code out of the detail even when Vonage quotes them", async () => {
    fake.setMode({ kind: "status", status: "6", errorText: `Invalid message 493817 to 17891234567` });
    const result = await sender().send({ to: PHONE, text: TEXT });
    expect(result).toMatchObject({ ok: false, reason: "rejected" });
    expectNoSecrets(result);
  });

  it.each([500, 503, 401, 429])("reports an HTTP %i answer as unavailable", async (status) => {
    fake.setMode({ kind: "http", status });
    const result = await sender().send({ to: PHONE, text: TEXT });
    expect(result).toEqual({ ok: false, reason: "unavailable", detail: `vonage answered HTTP ${status}` });
    expectNoSecrets(result);
  });

  it("gives up with timeout when Vonage never answers", async () => {
    fake.setMode({ kind: "hang" });
    const result = await sender({ timeoutMs: 300 }).send({ to: PHONE, text: TEXT });
    expect(result).toEqual({ ok: false, reason: "timeout", detail: "no answer from vonage within 300 ms" });
  });

  it("reports a closed port as unavailable", async () => {
    const port = await closedPort();
    const closed = createVonageSmsSender({ ...credentials, from: "Connect", restHost: `http://127.0.0.1:${port}` });
    const result = await closed.send({ to: PHONE, text: TEXT });
    expect(result).toMatchObject({ ok: false, reason: "unavailable" });
    expect(result.ok || result.detail).toContain("ECONNREFUSED");
    expectNoSecrets(result);
  });
});

describe("fake Vonage control API (used by e2e)", () => {
  let fake: FakeVonage;
  beforeAll(async () => {
    fake = await startFakeVonage(credentials);
  });
  afterAll(() => fake.close());

  it("lists delivered messages, hands out the newest code for a number, clears, and switches modes", async () => {
    const send = createVonageSmsSender({ ...credentials, from: "Connect", restHost: fake.url }).send;
    await send({ to: PHONE, text: "Your Connect code is 111111." });
    await send({ to: "+447700900123", text: "Your Connect code is 222222." });
    await send({ to: PHONE, text: "Your Connect code is 333333." });
    expect(await fakeVonageMessages(fake.url)).toHaveLength(3);
    expect(await latestCodeFor(fake.url, PHONE)).toBe("333333");
    expect(await latestCodeFor(fake.url, "+15550000000")).toBeNull();

    await clearFakeVonage(fake.url);
    expect(await fakeVonageMessages(fake.url)).toEqual([]);

    await setFakeVonageMode(fake.url, { kind: "status", status: "29", errorText: "Non White-listed Destination - rejected" });
    expect(await send({ to: PHONE, text: TEXT })).toMatchObject({ ok: false, reason: "rejected" });
    await setFakeVonageMode(fake.url, { kind: "ok" });
    expect(await send({ to: PHONE, text: TEXT })).toMatchObject({ ok: true });
  });

  it("accepts the legacy form body with api_key and api_secret", async () => {
    const body = new URLSearchParams({ ...{ api_key: "test-key", api_secret: "test-secret" }, to: "1555", from: "X", text: "hi" });
    const response = await fetch(`${fake.url}/sms/json`, { method: "POST", body });
    const json = (await response.json()) as { messages: { status: string }[] };
    expect(json.messages[0]?.status).toBe("0");
  });
});
