import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { emailOf } from "../host";
import { hostPlugin } from "../plugin";
import { PLUGIN_SETTINGS } from "../settings";

const METHOD_NAMES: Record<string, string> = { oidc: "single sign-on", sms: "SMS code", backup_code: "backup code", trusted_device: "trusted device" };

/**
 * The protected page. Its own check, whatever the middleware did: only a session the plugin
 * started (after the second factor when it was due) passes; a pending sign-in has none.
 */
export default async function Home() {
  const jar = await cookies();
  const session = await hostPlugin().twoFactor.checks.session(jar);
  if (!session) redirect(PLUGIN_SETTINGS.signInPath);
  const email = await emailOf(session.userId);
  return (
    <main>
      <h1 className="mb-4 text-2xl font-semibold">Host app</h1>
      <p>Signed in as {email}</p>
      <p>Methods used: {session.amr.map((method) => METHOD_NAMES[method] ?? method).join(", ")}</p>
      <form action="/api/auth/signout">
        <button type="submit" className="mt-4 underline">Sign out</button>
      </form>
    </main>
  );
}
