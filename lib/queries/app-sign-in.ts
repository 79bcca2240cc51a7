import { getViewer } from "../auth/dal";
import { systemClock } from "../clock";
import { appOfInteraction, decideAppSignIn, type AppSignInStep } from "../oauth-portal/app-sign-in";
import { portalOAuth } from "../oauth-portal/provider";

const UID = /^[\w-]{1,64}$/;

/**
 * What the app sign-in page shows for the step `uid`: the provider's stored interaction (found by
 * its uid: the page is outside the interaction cookie's path, and shows only the app's name; the
 * POST that finishes the step checks the cookie) judged with the viewer's session.
 */
export async function loadAppSignInStep(uid: string): Promise<AppSignInStep> {
  const oauth = UID.test(uid) ? await portalOAuth() : null;
  if (!oauth) return { kind: "expired" };
  const [interaction, viewer] = await Promise.all([oauth.provider.Interaction.find(uid), getViewer()]);
  return decideAppSignIn(oauth.db, appOfInteraction(interaction, oauth.settings.clients), viewer, systemClock.now());
}
