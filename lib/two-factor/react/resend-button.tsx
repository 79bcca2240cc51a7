"use client";

import { slotClasses, type ClassNames } from "./class-names";
import { useCountdown } from "./use-countdown";

/** "Resend code", with the remaining wait shown and announced. The server enforces the wait too. */
export function ResendButton({
  resendAt,
  pending,
  classNames,
}: {
  resendAt?: string | null;
  pending?: boolean;
  classNames?: ClassNames<"secondaryButton" | "text">;
}) {
  const cx = slotClasses(classNames);
  const seconds = useCountdown(resendAt);
  const waiting = seconds > 0;
  return (
    <div className="flex flex-wrap items-center gap-3">
      <button
        type="submit"
        aria-disabled={waiting || pending || undefined}
        onClick={(event) => {
          if (waiting || pending) event.preventDefault();
        }}
        aria-describedby="resend-wait"
        className={cx(
          "secondaryButton",
          "rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 aria-disabled:cursor-not-allowed aria-disabled:opacity-60",
        )}
      >
        {pending ? "Sending…" : "Resend code"}
      </button>
      <span id="resend-wait" aria-live="polite" className={cx("text", "text-sm text-slate-600")}>
        {waiting ? `You can ask for a new code in ${seconds} s.` : ""}
      </span>
    </div>
  );
}
