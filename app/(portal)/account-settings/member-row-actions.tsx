"use client";

import { useActionState } from "react";
import { resetMemberAction, revokeMemberDevicesAction } from "./member-actions";

/** Reset 2FA / revoke trusted devices for one member, each confirmed first, and each only when there is something to reset or revoke. */
export function MemberRowActions({
  userId,
  email,
  returnTo,
  setUp,
  trustedDevices,
}: {
  userId: string;
  email: string;
  returnTo: string;
  setUp: boolean;
  trustedDevices: number;
}) {
  const [resetState, reset, resetting] = useActionState(resetMemberAction, {});
  const [revokeState, revoke, revoking] = useActionState(revokeMemberDevicesAction, {});
  const result = resetState.error ?? resetState.message ?? revokeState.error ?? revokeState.message;
  const confirmFirst = (question: string) => (event: React.FormEvent) => {
    if (!window.confirm(question)) event.preventDefault();
  };
  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap gap-2">
        {setUp ? <form action={reset} onSubmit={confirmFirst(`Reset two-step authentication for ${email}? Their sessions and trusted devices end.`)}>
          <input type="hidden" name="userId" value={userId} />
          <input type="hidden" name="returnTo" value={returnTo} />
          <button type="submit" disabled={resetting} aria-label={`Reset 2FA for ${email}`} className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100">
            Reset 2FA
          </button>
        </form> : null}
        {trustedDevices > 0 ? <form action={revoke} onSubmit={confirmFirst(`Revoke every trusted device of ${email}?`)}>
          <input type="hidden" name="userId" value={userId} />
          <input type="hidden" name="returnTo" value={returnTo} />
          <button type="submit" disabled={revoking} aria-label={`Revoke devices of ${email}`} className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100">
            Revoke devices
          </button>
        </form> : null}
      </div>
      <p role="status" className="text-xs text-slate-700">
        {result}
      </p>
    </div>
  );
}
