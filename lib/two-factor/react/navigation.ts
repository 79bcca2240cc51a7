"use client";

import { useEffect, useEffectEvent } from "react";

/** Where the browser goes after a finished step: a host with a client router passes its own (`router.push`). */
export type Navigate = (path: string) => void;

const assign: Navigate = (path) => window.location.assign(path);

/** Follows a step's `redirectTo` once it is given (by default with `window.location.assign`). */
export function useFollowRedirect(redirectTo: string | undefined, onNavigate: Navigate | undefined) {
  const navigate = useEffectEvent((path: string) => (onNavigate ?? assign)(path));
  useEffect(() => {
    if (redirectTo) navigate(redirectTo);
  }, [redirectTo]);
}
