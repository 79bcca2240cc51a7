"use client";

import { useState, type FormEvent } from "react";
import type { ActionState } from "../action-state";
import type { ChallengeMethod } from "./other-methods";
import { postTwoFactorStep, type PostStepOptions } from "./route-action";

/**
 * With JavaScript, a challenge form may post to the verify route instead of its server action (a
 * server action that sets the session cookie makes Next.js render the page into its answer); the
 * action stays the form's `action` for browsers without JavaScript. Without a URL, the action runs.
 */
export function useVerifySubmit(method: ChallengeMethod, url: string | undefined, options: PostStepOptions) {
  const [state, setState] = useState<ActionState | null>(null);
  const [pending, setPending] = useState(false);
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    if (!url) return;
    event.preventDefault();
    if (pending) return;
    setPending(true);
    const body = new FormData(event.currentTarget);
    body.set("method", method);
    const next = await postTwoFactorStep(url, body, options);
    setState(next);
    setPending(next.redirectTo !== undefined);
  }
  return { state, pending, onSubmit: url ? onSubmit : undefined };
}
