import { listSignedInApps, registeredApps } from "../app-sign-ins";
import { readDeviceToken } from "../auth/cookies";
import type { SessionViewer } from "../auth/live-session";
import { viewerHasRecentSecondFactor } from "../auth/recent-second-factor";
import { appDeps } from "../server";
import { loadAuthenticatorApp } from "../two-factor/authenticator-app";
import { countUnusedBackupCodes } from "../two-factor/backup-codes";
import { challengeMethods } from "../two-factor/methods";
import { listPasskeys } from "../two-factor/passkeys";
import { loadSecondFactorState } from "../two-factor/policy";
import { listTrustedDevices } from "../two-factor/trusted-devices";

/**
 * What the Security page shows the viewer: their methods (SMS, authenticator app, passkeys; any one
 * makes them enrolled), the preferred one, backup codes left and trusted devices. `resuming`: back from "Confirm it's you", whether the confirmation still holds.
 */
export async function loadSecurityPage(viewer: SessionViewer, input: { resuming: boolean }) {
  const deps = await appDeps();
  const { db, clock } = deps;
  const now = clock.now();
  const state = await loadSecondFactorState(deps, viewer.user.id, now);
  if (!state?.enrolled) return { state, enrolled: null };
  const [recentSecondFactor, devices, backupCodesLeft, authenticatorApp, passkeys] = await Promise.all([
    input.resuming ? viewerHasRecentSecondFactor(viewer, now.getTime()) : false,
    readDeviceToken().then((token) => listTrustedDevices(db, viewer.user.id, token, now)),
    countUnusedBackupCodes(db, viewer.user.id),
    loadAuthenticatorApp(deps, viewer.user.id),
    listPasskeys(db, viewer.user.id),
  ]);
  // phoneE164 is null for a member who has another method and no phone (SMS is then "Add SMS").
  // "Preferred": the method sign-in opens with (the one made preferred, else the strongest).
  const [first] = challengeMethods(state, now);
  const preferred = first === "backup" ? null : (first ?? null);
  return { state, enrolled: { phoneE164: state.phoneE164, preferred, recentSecondFactor, devices, backupCodesLeft, authenticatorApp, passkeys } };
}

/** The phone page: whether the viewer has SMS already (a change) or adds it beside another method. */
export async function viewerHasPhone(viewer: SessionViewer): Promise<boolean> {
  const deps = await appDeps();
  const state = await loadSecondFactorState(deps, viewer.user.id, deps.clock.now());
  return Boolean(state?.methods.sms);
}

/** The Security page's "Signed-in apps": the viewer's live app sign-ins (ISO times), or null when OAuth is off (no app registered). */
export async function loadSignedInApps(viewer: SessionViewer) {
  const clients = registeredApps();
  if (!clients) return null;
  const { db, clock } = await appDeps();
  const apps = await listSignedInApps(db, { userId: viewer.user.id, clients, now: clock.now() });
  return apps.map((app) => ({ grantId: app.grantId, appName: app.appName, signedInAt: app.signedInAt.toISOString(), expiresAt: app.expiresAt?.toISOString() ?? null }));
}
