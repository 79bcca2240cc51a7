"use client";

import { useActionState } from "react";
import { LocalTime } from "@/components/local-time";
import { revokeAppSignInAction } from "./actions";

export interface SignedInAppRow {
  grantId: string;
  appName: string;
  /** ISO times. */
  signedInAt: string;
  expiresAt: string | null;
}

/** The Security page's "Signed-in apps": each app the member signed in to through the browser, with "Revoke". */
export function SignedInApps({ apps }: { apps: SignedInAppRow[] }) {
  if (apps.length === 0) {
    return <p className="text-slate-600" data-testid="no-signed-in-apps">No apps are signed in to your account. When you sign in to the Connect app on your phone, it is listed here.</p>;
  }
  return (
    <table className="w-full text-left text-sm">
      <caption className="sr-only">Signed-in apps</caption>
      <thead className="border-b border-slate-200 text-slate-600">
        <tr>
          <th scope="col" className="py-2 pr-3">App</th>
          <th scope="col" className="py-2 pr-3">Signed in</th>
          <th scope="col" className="py-2 pr-3">Signed in until</th>
          <th scope="col" className="py-2"><span className="sr-only">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        {apps.map((app) => (
          <tr key={app.grantId} className="border-b border-slate-100" data-testid="signed-in-app">
            <td className="py-2 pr-3">{app.appName}</td>
            <td className="py-2 pr-3"><LocalTime iso={app.signedInAt} /></td>
            <td className="py-2 pr-3">{app.expiresAt ? <LocalTime iso={app.expiresAt} /> : "Until you revoke it"}</td>
            <td className="py-2"><RevokeApp grantId={app.grantId} label={`Revoke ${app.appName}, signed in ${app.signedInAt.slice(0, 16).replace("T", " ")} UTC`} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RevokeApp(props: { grantId: string; label: string }) {
  const [state, revoke, revoking] = useActionState(revokeAppSignInAction, {});
  const error = state.error ?? state.fieldErrors?.grantId;
  return (
    <form action={revoke}>
      <input type="hidden" name="grantId" value={props.grantId} />
      <button type="submit" disabled={revoking} aria-label={props.label} className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100">
        Revoke
      </button>
      {error ? <span role="alert" className="ml-2 text-xs text-red-700">{error}</span> : null}
    </form>
  );
}
