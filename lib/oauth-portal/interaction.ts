// The portal's sign-in step of an app's authorization (issue 19 §1), at /oauth/interaction/:uid.
//
// Why two places: the provider's interaction cookie has the path /oauth/interaction/:uid, so the
// step can only be identified and finished under that path, which is the pages API route (Node's
// request and response, no App Router layout). The page the member reads is an App Router page in
// the portal's look (app/(auth)/app-sign-in/[uid]), reached by a 303 from the GET here; its forms
// POST back here, where the decision (app-sign-in.ts) is made again before anything is issued.
//   GET:  no such step → 400 page; no live session → the portal's sign-in, which comes back here;
//         otherwise → the page ("Sign in to <app>", or "Sign in again" when the rule refuses).
//   POST: same-origin only (403 page); action=continue finishes with the session's user, amr and
//         sign-in time; cancel answers the app access_denied; reauth ends the session and signs in again.
// Any failure (the database down) is a 503 page: no code is issued.
import type http from "node:http";
import type Provider from "oidc-provider";
import { errors } from "oidc-provider";
import { z } from "zod";
import { loadLiveSession, type SessionViewer } from "../auth/live-session";
import type { CookieJar } from "../auth/session-token";
import { systemClock, type Clock } from "../clock";
import { getDb, type Db } from "../db/client";
import { requestInfoFromHeaders } from "../http/client-ip";
import { reportRouteFailure } from "../http/route-failure";
import { isSameOriginRequest } from "../http/same-origin";
import type { OAuthClient } from "../oauth/clients";
import { finishWithRefusal, finishWithSignIn } from "../oauth/interaction-result";
import { recordAuditEvent } from "../audit";
import { appOfInteraction, appSignInPagePath, decideAppSignIn, signInPathFor, type AppInteraction } from "./app-sign-in";
import { clearedSessionCookies, endPortalSession } from "./end-session";
import { sendInteractionPage } from "./interaction-page";
import { nodeHeaders, readSmallForm, requestCookies } from "./node-request";
import type { PortalOAuth } from "./provider";

export { requestCookies } from "./node-request";

export interface InteractionStepDeps {
  provider: Provider;
  apiResource: string;
  clients: readonly OAuthClient[];
  db: Db;
  clock: Clock;
  /** The request's live portal session (lib/auth/live-session.ts), or null. */
  viewerOf(cookies: CookieJar): Promise<SessionViewer | null>;
}

const ActionForm = z.object({ action: z.enum(["continue", "cancel", "reauth"]) });

export function interactionStep(oauth: Omit<PortalOAuth, "handler">, req: http.IncomingMessage, res: http.ServerResponse, uid: string): Promise<void> {
  const deps: InteractionStepDeps = {
    provider: oauth.provider,
    apiResource: oauth.settings.apiResource,
    clients: oauth.settings.clients,
    db: oauth.db,
    clock: systemClock,
    viewerOf: (cookies) => loadLiveSession(cookies, process.env.AUTH_SECRET, Date.now(), getDb),
  };
  return runInteractionStep(deps, req, res, uid);
}

export async function runInteractionStep(deps: InteractionStepDeps, req: http.IncomingMessage, res: http.ServerResponse, uid: string): Promise<void> {
  try {
    if (req.method === "GET" || req.method === "HEAD") return await showStep(deps, req, res, uid);
    if (req.method === "POST") return await answerStep(deps, req, res, uid);
    res.writeHead(405, { allow: "GET, HEAD, POST" }).end();
  } catch (error) {
    reportRouteFailure("oauth interaction", error);
    if (res.headersSent) return void res.end();
    sendInteractionPage(res, "unavailable");
  }
}

const seeOther = (res: http.ServerResponse, location: string) => void res.writeHead(303, { location, "cache-control": "no-store" }).end();

/** The app of this browser's step (its interaction cookie, for this uid), or null when there is none. */
async function appOfStep(deps: InteractionStepDeps, req: http.IncomingMessage, res: http.ServerResponse, uid: string): Promise<AppInteraction | null> {
  try {
    const interaction = await deps.provider.interactionDetails(req, res);
    return interaction.uid === uid ? appOfInteraction(interaction, deps.clients) : null;
  } catch (error) {
    if (error instanceof errors.SessionNotFound) return null;
    throw error;
  }
}

async function showStep(deps: InteractionStepDeps, req: http.IncomingMessage, res: http.ServerResponse, uid: string) {
  const app = await appOfStep(deps, req, res, uid);
  if (!app) return sendInteractionPage(res, "expired");
  const step = await decideAppSignIn(deps.db, app, await deps.viewerOf(requestCookies(req)), deps.clock.now());
  if (step.kind === "sign-in") return seeOther(res, signInPathFor(uid));
  seeOther(res, appSignInPagePath(uid));
}

async function answerStep(deps: InteractionStepDeps, req: http.IncomingMessage, res: http.ServerResponse, uid: string) {
  const headers = nodeHeaders(req);
  if (!isSameOriginRequest(headers)) return sendInteractionPage(res, "crossSite");
  const form = ActionForm.safeParse(await readSmallForm(req));
  if (!form.success) return sendInteractionPage(res, "badForm");
  const app = await appOfStep(deps, req, res, uid);
  if (!app) return sendInteractionPage(res, "expired");
  if (form.data.action === "cancel") return finishWithRefusal(deps.provider, req, res, "The member cancelled the sign-in.");
  const cookies = requestCookies(req);
  const viewer = await deps.viewerOf(cookies);
  if (form.data.action === "reauth") {
    if (viewer) await endPortalSession(deps.db, viewer, cookies, deps.clock.now());
    res.setHeader("set-cookie", clearedSessionCookies(cookies));
    return seeOther(res, signInPathFor(uid));
  }
  const now = deps.clock.now();
  const step = await decideAppSignIn(deps.db, app, viewer, now);
  if (step.kind === "sign-in") return seeOther(res, signInPathFor(uid));
  if (step.kind !== "ready") return seeOther(res, appSignInPagePath(uid));
  const userId = step.viewer.user.id;
  await recordAuditEvent(deps.db, {
    type: "oauth.app_signed_in",
    organizationId: step.organizationId,
    actorUserId: userId,
    subjectUserId: userId,
    request: requestInfoFromHeaders(headers),
    details: { clientId: app.clientId, appName: app.appName },
    at: now,
  });
  // The sign-in's real time, not now: the refresh rules compare it with resets (sign-in-rule.ts).
  const signIn = { accountId: userId, amr: step.viewer.amr, authTime: Math.floor(step.viewer.authTime / 1000) };
  await finishWithSignIn(deps.provider, req, res, signIn, deps.apiResource);
}
