import { describe, expect, it } from "vitest";
import { safeReturnPath } from "@/lib/auth/return-path";

describe("the return path after sign-in cannot leave the site (no open redirect)", () => {
  it.each([
    ["/account-settings", "/account-settings"],
    ["/account-settings?tab=security#top", "/account-settings?tab=security#top"],
    ["/", "/"],
  ])("keeps the same-origin path %s", (input, expected) => {
    expect(safeReturnPath(input)).toBe(expected);
  });

  it.each([
    "https://evil.example/phish",
    "//evil.example/phish",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/%0d%0aLocation:%20https://evil.example".replace("%0d%0a", "\r\n"),
    "javascript:alert(1)",
    "http:/evil.example",
    " /account-settings",
    "",
    "/sign-in?callbackUrl=//evil.example",
    "/two-factor",
  ])("turns %j into /", (input) => {
    expect(safeReturnPath(input)).toBe("/");
  });

  it("refuses anything that is not a string", () => {
    expect(safeReturnPath(undefined)).toBe("/");
    expect(safeReturnPath(["/x"])).toBe("/");
  });
});
