"use client";

import { startTransition, useState, type FormEvent } from "react";
import { signWithPasskey } from "./passkey-ceremony";
import type { StepAction } from "./route-action";

/**
 * "Confirm it's you" with a passkey: on submit, the request for this session (`options`:
 * confirm/passkey-options), the browser's prompt, then the form (its password, `method`, `next`)
 * with the answer as `code`, through the form's own action. `error`: a refused request or prompt.
 */
export function usePasskeyConfirm(options: StepAction | undefined, action: (formData: FormData) => void) {
  const [error, setError] = useState<string | undefined>();
  const [asking, setAsking] = useState(false);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    if (!options) return;
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setAsking(true);
    startTransition(async () => {
      const asked = await options({}, new FormData());
      const signed = asked.passkeyOptions ? await signWithPasskey(asked.passkeyOptions) : { ok: false as const, error: asked.error ?? "" };
      setAsking(false);
      if (!signed.ok) return setError(signed.error || undefined);
      setError(undefined);
      form.set("code", signed.response);
      action(form);
    });
  };
  return { error, asking, onSubmit };
}
