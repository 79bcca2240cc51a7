"use client";

import Link from "next/link";
import { useActionState, useEffect, useRef } from "react";
import { resetMemberAction, revokeMemberDevicesAction } from "./member-actions";

/** The admin actions on one member that ask "Confirm it's you" first, and resume after it. */
export type MemberIntent = "reset" | "revoke";

const small = "rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100";

/**
 * Reset 2FA / revoke trusted devices for one member, each confirmed first, and each only when there
 * is something to reset or revoke. `resume`: back from "Confirm it's you", that action's question
 * is shown open with its button focused.
 */
export function MemberRowActions(props: {
  userId: string;
  email: string;
  returnTo: string;
  resume?: MemberIntent;
  setUp: boolean;
  trustedDevices: number;
}) {
  const { userId, email, returnTo, resume, setUp, trustedDevices } = props;
  const [resetState, reset, resetting] = useActionState(resetMemberAction, {});
  const [revokeState, revoke, revoking] = useActionState(revokeMemberDevicesAction, {});
  const result = resetState.error ?? resetState.message ?? revokeState.error ?? revokeState.message;
  const questions = {
    reset: `Reset two-step authentication for ${email}? Their sessions and trusted devices end.`,
    revoke: `Revoke every trusted device of ${email}?`,
  };
  const confirmFirst = (question: string) => (event: React.FormEvent) => {
    if (!window.confirm(question)) event.preventDefault();
  };
  const hidden = (
    <>
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="returnTo" value={returnTo} />
    </>
  );
  if (resume && !result) {
    return (
      <ResumedStep question={questions[resume]} cancelHref={returnTo}>
        {(button) => (
          <form action={resume === "reset" ? reset : revoke}>
            {hidden}
            <button ref={button} type="submit" disabled={resetting || revoking} aria-label={resume === "reset" ? `Reset 2FA for ${email}` : `Revoke devices of ${email}`} className={small}>
              {resume === "reset" ? "Reset 2FA" : "Revoke devices"}
            </button>
          </form>
        )}
      </ResumedStep>
    );
  }
  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap gap-2">
        {setUp ? (
          <form action={reset} onSubmit={confirmFirst(questions.reset)}>
            {hidden}
            <button type="submit" disabled={resetting} aria-label={`Reset 2FA for ${email}`} className={small}>
              Reset 2FA
            </button>
          </form>
        ) : null}
        {trustedDevices > 0 ? (
          <form action={revoke} onSubmit={confirmFirst(questions.revoke)}>
            {hidden}
            <button type="submit" disabled={revoking} aria-label={`Revoke devices of ${email}`} className={small}>
              Revoke devices
            </button>
          </form>
        ) : null}
      </div>
      <p role="status" className="text-xs text-slate-700">
        {result}
      </p>
    </div>
  );
}

function ResumedStep(props: { question: string; cancelHref: string; children: (button: React.RefObject<HTMLButtonElement | null>) => React.ReactNode }) {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  return (
    <div role="group" aria-label={props.question} className="flex flex-col gap-1 rounded border border-amber-300 bg-amber-50 p-2">
      <p className="text-xs font-medium">{props.question}</p>
      <div className="flex flex-wrap items-center gap-2">
        {props.children(button)}
        <Link href={props.cancelHref} className="text-xs underline">
          Cancel
        </Link>
      </div>
    </div>
  );
}
