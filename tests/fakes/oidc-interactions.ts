// The fake OpenID provider's sign-in step (its interaction URL): a one-field email form, or no form at
// all when the authorization request names a known user in login_hint. Knowing the user is the whole
// "authentication"; consent to the requested scopes is granted at once (a first-party provider).
import type http from "node:http";
import type Provider from "oidc-provider";
import type { InteractionResults } from "oidc-provider";

export interface FakeOidcUser {
  sub: string;
  email: string;
  emailVerified: boolean;
  name: string;
}

const MAX_FORM = 16 * 1024;

export async function handleInteraction(
  provider: Provider,
  users: Map<string, FakeOidcUser>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  action: string | undefined,
) {
  const details = await provider.interactionDetails(req, res);
  const clientId = String(details.params.client_id);
  const scope = String(details.params.scope ?? "openid");
  const finish = async (accountId: string) => {
    const result = await completeLoginAndConsent(provider, clientId, accountId, scope);
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  };

  if (details.prompt.name !== "login" && details.session?.accountId) return finish(details.session.accountId);

  if (req.method === "GET" && action === undefined) {
    const hinted = userByEmail(users, details.params.login_hint);
    if (hinted) return finish(hinted.sub);
    return sendLoginPage(res, details.uid, "", null);
  }
  if (req.method !== "POST") return void res.writeHead(405, { allow: "GET, POST" }).end();

  if (action === "abort") {
    const denied = { error: "access_denied", error_description: "The user cancelled the sign-in." };
    return provider.interactionFinished(req, res, denied, { mergeWithLastSubmission: false });
  }
  if (action !== "login") return void res.writeHead(404).end();

  const email = new URLSearchParams((await readForm(req)) ?? "").get("email")?.trim() ?? "";
  const user = userByEmail(users, email);
  if (!user) return sendLoginPage(res, details.uid, email, `No account is known for “${email}”.`, 401);
  return finish(user.sub);
}

function userByEmail(users: Map<string, FakeOidcUser>, email: unknown): FakeOidcUser | undefined {
  return typeof email === "string" ? users.get(email.trim().toLowerCase()) : undefined;
}

async function completeLoginAndConsent(
  provider: Provider,
  clientId: string,
  accountId: string,
  scope: string,
): Promise<InteractionResults> {
  const grant = new provider.Grant({ accountId, clientId });
  grant.addOIDCScope(scope);
  const grantId = await grant.save();
  return { login: { accountId }, consent: { grantId } };
}

function sendLoginPage(res: http.ServerResponse, uid: string, email: string, error: string | null, status = 200) {
  const base = `/interaction/${encodeURIComponent(uid)}`;
  const alert = error ? `<p role="alert" id="email-error">${escapeHtml(error)}</p>` : "";
  const described = error ? ` aria-describedby="email-error" aria-invalid="true"` : "";
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in – Fake OIDC</title></head>
<body>
<main>
<h1>Sign in to Fake OIDC</h1>
${alert}
<form method="post" action="${base}/login">
<label for="email">Email</label>
<input id="email" name="email" type="text" autocomplete="email" value="${escapeHtml(email)}"${described} autofocus>
<button type="submit">Continue</button>
<button type="submit" formaction="${base}/abort" formnovalidate>Cancel</button>
</form>
</main>
</body>
</html>`;
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(html);
}

function escapeHtml(text: string) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readForm(req: http.IncomingMessage): Promise<string | null> {
  let body = "";
  req.setEncoding("utf8");
  for await (const chunk of req) {
    body += chunk;
    if (body.length > MAX_FORM) return null;
  }
  return body;
}
