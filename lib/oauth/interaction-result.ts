// How a sign-in through the portal's pages ends an oidc-provider interaction: the portal has checked
// the member's session (password, then whatever second factor the organization requires) and hands
// over who signed in and how. A first-party app asks no consent: the grant gets exactly the scopes
// this server knows (openid, the API's scope) among those requested, so a new grant, one refresh
// family, per sign-in. Or the portal refuses, and the app is sent an OAuth error it can show.
import type http from "node:http";
import type Provider from "oidc-provider";
import { API_SCOPE } from "./provider-configuration";

export interface PortalSignIn {
  accountId: string;
  /** RFC 8176 values of the methods this sign-in used, e.g. ["pwd", "sms"]. */
  amr: readonly string[];
  /** When the member signed in through the browser (seconds since the epoch): the tokens' auth_time, which the refresh rules compare with resets. Now when absent. */
  authTime?: number;
}

/** Finishes the interaction as signed in: the browser is sent on (303) to the provider, then to the app. */
export async function finishWithSignIn(
  provider: Provider,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  signIn: PortalSignIn,
  apiResource: string,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const requested = new Set(String(details.params.scope ?? "").split(" ").filter(Boolean));
  const grant = new provider.Grant({ accountId: signIn.accountId, clientId: String(details.params.client_id) });
  if (requested.has("openid")) grant.addOIDCScope("openid");
  if (requested.has(API_SCOPE)) grant.addResourceScope(apiResource, API_SCOPE);
  const grantId = await grant.save();
  const login = { accountId: signIn.accountId, amr: [...signIn.amr], remember: false, ...(signIn.authTime === undefined ? {} : { ts: signIn.authTime }) };
  const result = { login, consent: { grantId } };
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

/** Finishes the interaction as refused: the app receives `error` (access_denied by default) at its redirect URI. */
export async function finishWithRefusal(
  provider: Provider,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  description: string,
  error = "access_denied",
): Promise<void> {
  await provider.interactionFinished(req, res, { error, error_description: description }, { mergeWithLastSubmission: false });
}
