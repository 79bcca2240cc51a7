import { describe, expect, it } from "vitest";
import { appUrlConfigurationWarning, appUrlFromEnv, PASSWORD_RESET_UNAVAILABLE } from "@/lib/config/app-url";
import { ensureDevAppUrl } from "@/scripts/env";

describe("APP_URL, the origin of password reset links", () => {
  it("npm run dev without APP_URL sets it to the origin it serves on", () => {
    expect(ensureDevAppUrl({ NODE_ENV: "development" })).toBe("http://localhost:3000");
    const env: NodeJS.ProcessEnv = { NODE_ENV: "development", PORT: "4321" };
    expect(ensureDevAppUrl(env)).toBe("http://localhost:4321");
    expect(env.APP_URL).toBe("http://localhost:4321");
  });

  it("a set APP_URL is kept, in development and in production", () => {
    expect(ensureDevAppUrl({ NODE_ENV: "development", APP_URL: "https://connect.example.test" })).toBe("https://connect.example.test");
    expect(appUrlFromEnv({ NODE_ENV: "production", APP_URL: "https://connect.example.test" })).toBe("https://connect.example.test");
  });

  it("production without APP_URL has no origin, and the server log names the setting", () => {
    expect(appUrlFromEnv({ NODE_ENV: "production", PORT: "3000" })).toBeNull();
    expect(appUrlConfigurationWarning({ NODE_ENV: "production" })).toMatch(/APP_URL is not set/);
    expect(appUrlConfigurationWarning({ NODE_ENV: "development" })).toBeNull();
  });

  it("the member is told what to do instead, with no configuration name", () => {
    expect(PASSWORD_RESET_UNAVAILABLE).toMatch(/Ask your organization's owner or an admin/);
    expect(PASSWORD_RESET_UNAVAILABLE).not.toMatch(/[A-Z]+_[A-Z_]+|configur|server/i);
  });
});
