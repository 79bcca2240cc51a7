"use client";

import { twoFactorMessage, type TwoFactorScreen } from "../messages";
import { slotClasses, type ClassNames } from "./class-names";
import { useBrowserTimeZone } from "./time-zone";
import { useLock } from "./use-lock";

/** Whether the second factor is locked (the latest lock time a page and its forms were told), and the sentence that says until when. */
export function useLockNotice(instants: (string | null | undefined)[], screen: TwoFactorScreen): { locked: boolean; message: string | null } {
  const { locked, lockedUntil } = useLock(instants);
  const timeZone = useBrowserTimeZone();
  if (!lockedUntil) return { locked, message: null };
  const now = new Date();
  return { locked, message: twoFactorMessage({ code: "LOCKED", retryAfterMs: Date.parse(lockedUntil) - now.getTime() }, { screen, now, timeZone }) };
}

/** The lock's sentence, announced; nothing while unlocked. */
export function LockNotice({ message, classNames }: { message: string | null; classNames?: ClassNames<"error"> }) {
  if (!message) return null;
  return (
    <p role="alert" data-testid="lock-message" className={slotClasses(classNames)("error", "mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900")}>
      {message}
    </p>
  );
}
