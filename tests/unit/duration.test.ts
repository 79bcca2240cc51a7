import { describe, expect, it } from "vitest";
import { formatDuration, formatWait } from "@/lib/duration";
import { DEFAULT_TWO_FACTOR_OPTIONS } from "@/lib/two-factor/options";
import { smsCodeText } from "@/lib/two-factor/sms-code";

describe("formatDuration", () => {
  it.each([
    [30 * 86_400_000, "30 days"],
    [86_400_000, "1 day"],
    [36 * 3_600_000, "36 hours"],
    [15 * 60_000, "15 minutes"],
    [20 * 60_000, "20 minutes"],
    [60_000, "1 minute"],
    [90_000, "90 seconds"],
    [30_000, "30 seconds"],
    [1_000, "1 second"],
    [1_500, "2 seconds"],
  ])("%d ms is %s", (ms, words) => {
    expect(formatDuration(ms)).toBe(words);
  });
});

describe("formatWait", () => {
  it.each([
    [12_000, "12 seconds"],
    [1, "1 second"],
    [60_000, "1 minute"],
    [61_000, "2 minutes"],
  ])("%d ms still to wait is %s", (ms, words) => {
    expect(formatWait(ms)).toBe(words);
  });
});

describe("the SMS text", () => {
  const text = (codeTtlMs: number) => smsCodeText({ appName: "Connect", code: "123456", codeTtlMs, webOtpHost: null });

  it("keeps its words with the default code life", () => {
    expect(text(DEFAULT_TWO_FACTOR_OPTIONS.codeTtlMs)).toBe("Connect verification code: 123456. It expires in 5 minutes. Do not share it.");
  });

  it("says the configured code life", () => {
    expect(text(10 * 60_000)).toBe("Connect verification code: 123456. It expires in 10 minutes. Do not share it.");
    expect(text(60_000)).toBe("Connect verification code: 123456. It expires in 1 minute. Do not share it.");
    expect(text(90_000)).toBe("Connect verification code: 123456. It expires in 90 seconds. Do not share it.");
  });
});
