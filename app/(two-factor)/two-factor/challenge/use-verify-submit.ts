"use client";

import { useState, type FormEvent } from "react";
import type { ActionState } from "@/lib/action";
import { ERROR_MESSAGES } from "@/lib/errors";
import type { ChallengeMethod } from "./complete";

export const VERIFY_URL = "/api/two-factor/challenge/verify";

async function postVerify(form: HTMLFormElement, method: ChallengeMethod): Promise<ActionState> {
  const body = new FormData(form);
  body.set("method", method);
  try {
    const response = await fetch(VERIFY_URL, { method: "POST", body, headers: { accept: "application/json" }, redirect: "manual" });
    // The gate answers a sign-in that expired meanwhile with a redirect, not JSON.
    if (response.type === "opaqueredirect") return { ok: false, redirectTo: "/sign-in?expired=1" };
    const state = (await response.json().catch(() => null)) as ActionState | null;
    return state ?? { ok: false, error: ERROR_MESSAGES.SERVICE_UNAVAILABLE };
  } catch {
    return { ok: false, error: ERROR_MESSAGES.NETWORK };
  }
}

/**
 * With JavaScript, a challenge form posts to the verify route instead of its server action (a
 * server action that sets the session cookie makes Next.js render the page into its answer);
 * the action stays the form's `action` for browsers without JavaScript.
 */
export function useVerifySubmit(method: ChallengeMethod) {
  const [state, setState] = useState<ActionState | null>(null);
  const [pending, setPending] = useState(false);
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    const next = await postVerify(event.currentTarget, method);
    setState(next);
    setPending(next.redirectTo !== undefined);
  }
  return { state, pending, onSubmit };
}
