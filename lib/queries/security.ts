import { readDeviceToken } from "../auth/cookies";
import type { SessionViewer } from "../auth/live-session";
import { viewerHasRecentSecondFactor } from "../auth/recent-second-factor";
import { appDeps } from "../server";
import { loadAuthenticatorApp } from "../two-factor/authenticator-app";
import { countUnusedBackupCodes } from "../two-factor/backup-codes";
import { listPasskeys } from "../two-factor/passkeys";
import { loadSecondFactorState } from "../two-factor/policy";
import { listTrustedDevices } from "../two-factor/trusted-devices";

/**
 * What the Security page shows the viewer: their second factor, authenticator app, passkeys, backup codes
 * left and trusted devices. `resuming`: back from "Confirm it's you", whether the confirmation still holds.
 */
export async function loadSecurityPage(viewer: SessionViewer, input: { resuming: boolean }) {
  const deps = await appDeps();
  const { db, clock } = deps;
  const now = clock.now();
  const state = await loadSecondFactorState(deps, viewer.user.id, now);
  if (!state?.enrolled || !state.phoneE164) return { state, enrolled: null };
  const [recentSecondFactor, devices, backupCodesLeft, authenticatorApp, passkeys] = await Promise.all([
    input.resuming ? viewerHasRecentSecondFactor(viewer, now.getTime()) : false,
    readDeviceToken().then((token) => listTrustedDevices(db, viewer.user.id, token, now)),
    countUnusedBackupCodes(db, viewer.user.id),
    loadAuthenticatorApp(deps, viewer.user.id),
    listPasskeys(db, viewer.user.id),
  ]);
  return { state, enrolled: { phoneE164: state.phoneE164, recentSecondFactor, devices, backupCodesLeft, authenticatorApp, passkeys } };
}
