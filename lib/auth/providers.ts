import Credentials from "next-auth/providers/credentials";
import Nodemailer from "next-auth/providers/nodemailer";
import type { Provider } from "next-auth/providers";
import { CredentialsSignin } from "next-auth";
import { systemClock } from "../clock";
import { appUrlFromEnv } from "../config/app-url";
import type { Db } from "../db/client";
import type { EmailSender } from "../email";
import { requestInfoFromHeaders } from "../http/client-ip";
import { findUserWithPasswordByEmail, normalizeEmail } from "../users";
import { consumeRateLimit, type RateLimitRule } from "../rate-limit";
import { checkPassword } from "./password-sign-in";
import { oidcSettingsFromEnv } from "./oidc-settings";

/** How long an email sign-in link (a verification token) works. */
export const EMAIL_LINK_MAX_AGE_SECONDS = 24 * 60 * 60;

/** Sign-in links sent to one address. Stated in the README. */
export const EMAIL_LINK_LIMIT: RateLimitRule = { limit: 5, windowMs: 60 * 60_000 };

/** A wrong email or password (next-auth's own code, "credentials"). */
export class WrongPassword extends CredentialsSignin {
  override code = "credentials";
}

/** Too many attempts: the code carries the wait in ms, for the form's message. */
export class SignInRateLimited extends CredentialsSignin {
  constructor(retryAfterMs: number) {
    super();
    this.code = `rate_limited:${Math.max(0, Math.round(retryAfterMs))}`;
  }
}

/** next-auth's link with its path and query on the portal's public origin (APP_URL), or null without one. */
export function linkOnAppUrl(url: string, env: Record<string, string | undefined>): string | null {
  const origin = appUrlFromEnv(env);
  if (!origin) return null;
  const made = new URL(url);
  return new URL(`${made.pathname}${made.search}`, origin).toString();
}

/** The email sign-in link: its subject and text, for the portal's email sender (SMTP or the dev outbox). */
export function signInLinkEmail(to: string, url: string) {
  return {
    to,
    subject: "Your sign-in link for Connect",
    text: `Use this link to sign in to Connect:\n\n${url}\n\nIt works once, within 24 hours. If you did not ask for it, ignore this email.`,
  };
}

/**
 * The portal's first factors, as next-auth providers: the password (Credentials, with the
 * portal's limits and audit), "Sign in with SSO" (generic OpenID Connect, when configured) and
 * email sign-in links (Nodemailer's provider, sent through the portal's email sender). None starts
 * a session: withTwoFactor (lib/two-factor/next-auth) holds each until the second factor.
 */
export function portalProviders(
  db: Db,
  email: EmailSender,
  env: Record<string, string | undefined> = process.env,
  limits: { emailLink: RateLimitRule } = { emailLink: EMAIL_LINK_LIMIT },
): Provider[] {
  const providers: Provider[] = [
    Credentials({
      id: "credentials",
      credentials: { email: {}, password: {} },
      async authorize(credentials, request) {
        const { email, password } = credentials as { email?: unknown; password?: unknown };
        if (typeof email !== "string" || typeof password !== "string") throw new WrongPassword();
        const checked = await checkPassword({ db, clock: systemClock }, { email, password, request: requestInfoFromHeaders(request.headers) });
        if (!checked.ok) throw checked.code === "RATE_LIMITED" ? new SignInRateLimited(checked.retryAfterMs ?? 60_000) : new WrongPassword();
        return { id: checked.userId, email: checked.email };
      },
    }),
    Nodemailer({
      id: "email",
      // Never used: the link goes through the portal's sender (sendVerificationRequest below).
      server: env.SMTP_URL || "smtp://127.0.0.1:25",
      from: env.SMTP_FROM || "Connect <no-reply@connect.invalid>",
      maxAge: EMAIL_LINK_MAX_AGE_SECONDS,
      async sendVerificationRequest({ identifier, url }) {
        // The link next-auth made names the request's Host header, which a client chooses: it is
        // rebuilt on APP_URL, as the password reset's link is, or not sent at all.
        const link = linkOnAppUrl(url, env);
        if (!link) throw new Error("APP_URL is not set: no sign-in link can be made");
        // Links go to members only: an unknown address gets the same page and no email; so does
        // an address that has had its share of links (no flooding a member's inbox).
        const address = normalizeEmail(identifier);
        if (!(await findUserWithPasswordByEmail(db, address))) return;
        if (!(await consumeRateLimit(db, `email-link:${address}`, limits.emailLink, systemClock.now())).allowed) return;
        const sent = await email.send(signInLinkEmail(identifier, link));
        if (!sent.ok) throw new Error("the sign-in link could not be sent");
      },
    }),
  ];
  const oidc = oidcSettingsFromEnv(env);
  if (oidc) providers.push({ id: "oidc", name: "SSO", type: "oidc", issuer: oidc.issuer, clientId: oidc.clientId, clientSecret: oidc.clientSecret, checks: ["pkce", "state", "nonce"] });
  return providers;
}
