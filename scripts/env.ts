import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { appUrlFromEnv } from "../lib/config/app-url";

/** The demo users' password when SEED_PASSWORD is unset outside production. */
export const DEV_SEED_PASSWORD = "connect-demo-password";

const DEV_SECRETS_FILE = path.join(".data", "dev-secrets.json");

/**
 * For `npm run dev` only: AUTH_SECRET and SESSION_PASSWORD generated once and kept in
 * .data/ (git-ignored), so sessions survive restarts without any setup.
 */
export function ensureDevSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  let stored: Record<string, string> = {};
  if (fs.existsSync(DEV_SECRETS_FILE)) stored = JSON.parse(fs.readFileSync(DEV_SECRETS_FILE, "utf8"));
  const generated: string[] = [];
  for (const name of ["AUTH_SECRET", "SESSION_PASSWORD"]) {
    if (env[name]) continue;
    if (!stored[name]) {
      stored[name] = randomBytes(32).toString("base64url");
      generated.push(name);
    }
    env[name] = stored[name];
  }
  if (generated.length > 0) {
    fs.mkdirSync(path.dirname(DEV_SECRETS_FILE), { recursive: true });
    fs.writeFileSync(DEV_SECRETS_FILE, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return generated;
}

/**
 * For `npm run dev` only: APP_URL (the origin of password reset links) defaults to the origin the
 * dev server serves on, so "Submit a change of password request" works on a fresh clone.
 */
export function ensureDevAppUrl(env: NodeJS.ProcessEnv = process.env): string {
  env.APP_URL ||= appUrlFromEnv({ ...env, NODE_ENV: "development" })!;
  return env.APP_URL;
}

/** The demo native app `npm run dev` registers unless OAUTH_CLIENTS is set: the scripted app (`npm run oauth:app`) signs in as it. */
export const DEV_OAUTH_APP = {
  clientId: "connect-mobile-dev",
  name: "Connect for iOS (development)",
  redirectUris: ["http://127.0.0.1/callback", "com.example.connect:/callback"],
};

export function ensureDevOAuthClients(env: NodeJS.ProcessEnv = process.env): string {
  env.OAUTH_CLIENTS ??= JSON.stringify([DEV_OAUTH_APP]);
  return env.OAUTH_CLIENTS;
}

export function seedPassword(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SEED_PASSWORD) return env.SEED_PASSWORD;
  if (env.NODE_ENV === "production") {
    console.error("SEED_PASSWORD is not set. Set it to the password the demo users should have.");
    process.exit(1);
  }
  return DEV_SEED_PASSWORD;
}
