/**
 * What a form step answers, in the form's words: the plugin's route handler sends it as JSON, a
 * server action returns it to `useActionState`, and the plugin's components render it.
 */
export interface ActionState {
  ok?: boolean;
  /** A message safe to show, for the whole form. */
  error?: string;
  /** A confirmation to announce. */
  message?: string;
  fieldErrors?: Record<string, string>;
  /** Echo of non-secret fields, so a failed submission loses nothing the user typed. */
  values?: Record<string, string>;
  /** Two-factor steps: where the code went, when another may be asked for (ISO time). */
  phoneMasked?: string;
  /** The number just typed, in full and spaced ("+1 415 555 0123"), to the browser that typed it only. */
  phoneFull?: string;
  /** "Did you mean +14155550123?": the Phone number field's value with only its separators removed. */
  suggestedPhone?: string;
  resendAt?: string;
  /** The second factor is locked until then (ISO time): the forms stay disabled until it. */
  lockedUntil?: string;
  /** Where the browser goes next, after a step that signed in (a same-origin relative path). */
  redirectTo?: string;
  /** An authenticator app's setup under way: its secret (base32), its QR code (SVG) and when the setup ends (ISO time). */
  authenticator?: { secret: string; qrSvg: string; expiresAt: string };
  /** A passkey request: the `optionsJSON` for @simplewebauthn/browser's startRegistration or startAuthentication. */
  passkeyOptions?: Record<string, unknown>;
  /** Shown once, right after setup or regeneration. */
  backupCodes?: string[];
}
