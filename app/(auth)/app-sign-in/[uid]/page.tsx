import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Button, Card, FormMessage } from "@/components/ui";
import { interactionPath, signInPathFor, SIGN_IN_AGAIN_REASONS } from "@/lib/oauth-portal/app-sign-in";
import { loadAppSignInStep } from "@/lib/queries/app-sign-in";

export const metadata: Metadata = { title: "Sign in to an app" };

const SECONDARY =
  "rounded-md border border-slate-300 bg-white px-4 py-2 font-medium text-slate-800 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:ring-offset-2";

/**
 * The member's side of an app's sign-in (lib/oauth-portal/interaction.ts explains the flow): the
 * forms post to /oauth/interaction/:uid, under the provider's cookie path, where the step is judged
 * again and finished. A first-party app: no list of permissions to consent to.
 */
export default async function AppSignInPage({ params }: { params: Promise<{ uid: string }> }) {
  const { uid } = await params;
  const step = await loadAppSignInStep(uid);
  if (step.kind === "sign-in") redirect(signInPathFor(uid));
  if (step.kind === "expired") {
    return (
      <Card title="Sign-in expired">
        <FormMessage error="This sign-in has expired. Go back to the app and start again." />
      </Card>
    );
  }
  const action = interactionPath(uid);
  if (step.kind === "sign-in-again") {
    const reason = step.reason === "ACCOUNT_GONE" || step.reason === "SIGNED_OUT" ? undefined : SIGN_IN_AGAIN_REASONS[step.reason];
    return (
      <Card title={`Sign in again to continue to ${step.app.appName}`}>
        <p className="mb-4">{reason}</p>
        <p className="mb-6 text-sm text-slate-700">
          You are signed in as <strong>{step.email}</strong>. Signing in again signs you out of Connect in this browser first.
        </p>
        <form method="post" action={action} className="flex flex-wrap gap-3">
          <Button type="submit" name="action" value="reauth">
            Sign in again
          </Button>
          <button type="submit" name="action" value="cancel" className={SECONDARY}>
            Cancel
          </button>
        </form>
      </Card>
    );
  }
  return (
    <Card title={`Sign in to ${step.app.appName}`}>
      <p className="mb-2">
        Signed in as <strong>{step.viewer.user.email}</strong>
      </p>
      <p className="mb-6 text-sm text-slate-700">{step.app.appName} will be able to act for you in Connect until you sign it out on your Security page.</p>
      <form method="post" action={action} className="flex flex-wrap gap-3">
        <Button type="submit" name="action" value="continue">
          Continue
        </Button>
        <button type="submit" name="action" value="cancel" className={SECONDARY}>
          Cancel
        </button>
      </form>
    </Card>
  );
}
