"use client";

import { useActionState } from "react";
import { Button, Field, FormMessage } from "@/components/ui";
import { emailLinkAction, ssoAction } from "./other-methods-actions";

/** The other first factors: a sign-in link by email, and SSO when the portal has an OpenID provider. */
export function OtherSignInMethods({ callbackUrl, sso }: { callbackUrl: string; sso: boolean }) {
  const [state, action, pending] = useActionState(emailLinkAction, {});
  return (
    <section aria-labelledby="other-methods" className="mt-6 border-t border-gray-200 pt-6">
      <h2 id="other-methods" className="mb-3 text-sm font-medium">
        Other ways to sign in
      </h2>
      {sso ? (
        <form action={ssoAction} className="mb-4">
          <input type="hidden" name="callbackUrl" value={callbackUrl} />
          <Button type="submit">Sign in with SSO</Button>
        </form>
      ) : null}
      <form action={action} noValidate>
        <FormMessage error={state.error} />
        <input type="hidden" name="callbackUrl" value={callbackUrl} />
        <Field label="Email for a sign-in link" name="linkEmail" type="email" autoComplete="email" required defaultValue={state.values?.linkEmail} error={state.fieldErrors?.linkEmail} />
        <Button type="submit" pending={pending} disabled={pending}>
          {pending ? "Sending…" : "Email me a sign-in link"}
        </Button>
      </form>
    </section>
  );
}
