"use client";

import { useEffect, useState } from "react";

/** WebOTP: where the browser supports it, fills in the code from the SMS's last line. */
export function useWebOtp(active: boolean): string {
  const [code, setCode] = useState("");
  useEffect(() => {
    if (!active || typeof window === "undefined" || !("OTPCredential" in window)) return;
    const abort = new AbortController();
    navigator.credentials
      .get({ otp: { transport: ["sms"] }, signal: abort.signal } as CredentialRequestOptions)
      .then((credential) => {
        const value = (credential as unknown as { code?: string } | null)?.code;
        if (value) setCode(value);
      })
      .catch(() => {});
    return () => abort.abort();
  }, [active]);
  return code;
}
