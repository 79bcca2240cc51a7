"use client";

import { useCountdown } from "./use-countdown";

/** The latest of the lock times a page and its forms were told (ISO), and whether it still holds. */
export function useLock(instants: (string | null | undefined)[]): { locked: boolean; lockedUntil: string | null } {
  const lockedUntil = instants.filter((at): at is string => Boolean(at)).sort((a, b) => Date.parse(b) - Date.parse(a))[0] ?? null;
  const locked = useCountdown(lockedUntil) > 0;
  return { locked, lockedUntil: locked ? lockedUntil : null };
}
