// The decision of the portal's sign-in step of an app's authorization (issue 19 §1), one for the
// page that shows it (app/(auth)/app-sign-in/[uid]) and for the POST that finishes it
// (interaction.ts), so both judge the same: no live portal session → sign in on the portal's
// pages; a session the app's rule (sign-in-rule.ts) refuses → sign in again; else the member may
// continue to the app, or cancel.
import type { SessionViewer } from "../auth/live-session";
import type { Db } from "../db/client";
import { findClient, type OAuthClient } from "../oauth/clients";
import { appSignInVerdict, type AppSignInRefusal } from "./sign-in-rule";

/** The app an interaction is for, as the provider stored it. */
export interface AppInteraction {
  uid: string;
  clientId: string;
  appName: string;
}

export type AppSignInStep =
  /** No such interaction (never was, expired after 10 minutes, or already finished). */
  | { kind: "expired" }
  /** No live portal session: sign in first, then come back. */
  | { kind: "sign-in"; app: AppInteraction }
  /** A portal session the app's rule refuses (what the web would ask today): sign in again. */
  | { kind: "sign-in-again"; app: AppInteraction; reason: AppSignInRefusal; email: string }
  | { kind: "ready"; app: AppInteraction; viewer: SessionViewer; organizationId: string | null };

/** The app of a stored interaction (oidc-provider's Interaction: its uid and the request's params), or null. */
export function appOfInteraction(interaction: { uid?: unknown; params?: Record<string, unknown> } | undefined, clients: readonly OAuthClient[]): AppInteraction | null {
  if (!interaction || typeof interaction.uid !== "string") return null;
  const clientId = interaction.params?.client_id;
  const client = typeof clientId === "string" ? findClient(clients, clientId) : undefined;
  return client ? { uid: interaction.uid, clientId: client.clientId, appName: client.name } : null;
}

export async function decideAppSignIn(db: Db, app: AppInteraction | null, viewer: SessionViewer | null, now: Date): Promise<AppSignInStep> {
  if (!app) return { kind: "expired" };
  if (!viewer) return { kind: "sign-in", app };
  const verdict = await appSignInVerdict(db, { userId: viewer.user.id, amr: viewer.amr, authTimeMs: viewer.authTime }, now);
  if (!verdict.ok) {
    // The account is gone or signed out since: the live-session check would not have let it through; treat as no session.
    if (verdict.reason === "ACCOUNT_GONE" || verdict.reason === "SIGNED_OUT") return { kind: "sign-in", app };
    return { kind: "sign-in-again", app, reason: verdict.reason, email: viewer.user.email };
  }
  return { kind: "ready", app, viewer, organizationId: verdict.organizationId };
}

/** Why the member must sign in again, in the portal's words. */
export const SIGN_IN_AGAIN_REASONS: Record<"SECOND_FACTOR_REQUIRED" | "SECURE_METHOD_REQUIRED", string> = {
  SECOND_FACTOR_REQUIRED: "Your organization now requires two-step verification. Sign in again to verify it's you with your second step.",
  SECURE_METHOD_REQUIRED: "Your organization now accepts only secure verification methods (an authenticator app or a passkey). Sign in again and verify with one of them.",
};

/** The path that starts the step again after the portal's sign-in (lib/return-path.ts keeps it). */
export const interactionPath = (uid: string) => `/oauth/interaction/${uid}`;
export const signInPathFor = (uid: string) => `/sign-in?callbackUrl=${encodeURIComponent(interactionPath(uid))}`;
export const appSignInPagePath = (uid: string) => `/app-sign-in/${uid}`;
