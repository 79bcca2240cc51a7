// Helpers for e2e tests that talk to a standalone fake Vonage (tests/fakes/vonage-server.ts).
import type { FakeVonageMessage, FakeVonageMode } from "./vonage-server";

export type { FakeVonageMessage, FakeVonageMode };

async function control(baseUrl: string, path: string, init?: RequestInit): Promise<Response> {
  const response = await fetch(new URL(path, baseUrl), init);
  if (!response.ok) throw new Error(`fake Vonage ${init?.method ?? "GET"} ${path} answered ${response.status}`);
  return response;
}

/** Every message the fake accepted, oldest first. */
export async function fakeVonageMessages(baseUrl: string): Promise<FakeVonageMessage[]> {
  return (await (await control(baseUrl, "/_fake/messages")).json()) as FakeVonageMessage[];
}

export async function clearFakeVonage(baseUrl: string): Promise<void> {
  await control(baseUrl, "/_fake/messages", { method: "DELETE" });
}

export async function setFakeVonageMode(baseUrl: string, mode: FakeVonageMode): Promise<void> {
  await control(baseUrl, "/_fake/mode", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(mode),
  });
}

const digits = (phone: string) => phone.replace(/\D/g, "");

/** The first 6-digit run in the newest message to `phoneE164` (the SDK sends it without "+"), or null. */
export async function latestCodeFor(baseUrl: string, phoneE164: string): Promise<string | null> {
  const messages = await fakeVonageMessages(baseUrl);
  const newest = messages.findLast((message) => digits(message.to) === digits(phoneE164));
  return newest ? (/(?<!\d)\d{6}(?!\d)/.exec(newest.text)?.[0] ?? null) : null;
}

/** Every message the fake accepted for `phoneE164`, oldest first. */
export async function messagesTo(baseUrl: string, phoneE164: string): Promise<FakeVonageMessage[]> {
  return (await fakeVonageMessages(baseUrl)).filter((message) => digits(message.to) === digits(phoneE164));
}
