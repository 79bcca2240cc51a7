"use client";

import { useEffect, useRef, useState } from "react";
import type { ActionState } from "../action-state";
import { Button } from "./button";
import { slotClasses, type ClassNames, type TwoFactorSlot } from "./class-names";
import { Field } from "./field";
import { FormMessage } from "./form-message";
import { TimeZoneField } from "./time-zone";

/** The secret in groups of four, as the apps' "enter a setup key" screens read best. */
export const groupedSecret = (secret: string) => secret.match(/.{1,4}/g)?.join(" ") ?? secret;

/**
 * A setup under way: the QR code to scan, the secret as text for an app that cannot scan (grouped,
 * with "Copy key"), and the app's code to confirm it. Focus moves to its heading when it appears.
 */
export function AuthenticatorSetup(props: {
  setup: NonNullable<ActionState["authenticator"]>;
  confirm: (formData: FormData) => void;
  state: ActionState;
  pending: boolean;
  classNames?: ClassNames<TwoFactorSlot>;
}) {
  const { setup, state, pending, classNames } = props;
  const cx = slotClasses(classNames);
  const [copied, setCopied] = useState("");
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(setup.secret);
      setCopied("Key copied.");
    } catch {
      setCopied("Copying is not allowed here: select the key and copy it by hand.");
    }
  }

  return (
    <section aria-labelledby="authenticator-setup-title" className={cx("root", "rounded-md border border-slate-200 p-4")}>
      <h3 id="authenticator-setup-title" ref={heading} tabIndex={-1} className={cx("title", "mb-2 font-semibold")}>
        Scan the QR code with your authenticator app
      </h3>
      <ol className={cx("text", "mb-4 list-decimal pl-5 text-sm text-slate-700")}>
        <li>Open an authenticator app on your phone (such as Google Authenticator, Microsoft Authenticator or 1Password) and add an account.</li>
        <li>Scan the QR code, or enter the setup key below if you cannot scan it.</li>
        <li>Enter the 6-digit code the app then shows, and choose Verify.</li>
      </ol>
      {/* The SVG is uqr's drawing of our own otpauth:// URI: modules only, no text of the member's. */}
      {/* eslint-disable-next-line @next/next/no-img-element -- the plugin's components use no Next.js, and a data: URI needs no loader */}
      <img
        src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qrSvg)}`}
        alt="QR code to add this account to your authenticator app"
        width={192}
        height={192}
        className="mb-4 h-48 w-48 bg-white"
      />
      <p className={cx("text", "mb-1 text-sm font-medium")}>
        Setup key
      </p>
      <div className="mb-4 flex flex-wrap items-center gap-3">
        <code data-testid="authenticator-secret" className="rounded-md bg-slate-100 px-3 py-2 font-mono text-base">
          {groupedSecret(setup.secret)}
        </code>
        <button type="button" onClick={copy} className={cx("secondaryButton", "rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100")}>
          Copy key
        </button>
      </div>
      <p role="status" className={cx("status", "mb-2 text-sm text-slate-700")}>
        {copied}
      </p>
      <form action={props.confirm} noValidate>
        <TimeZoneField />
        <FormMessage error={state.error} classNames={classNames} />
        <Field
          label="Authentication code"
          name="code"
          autoComplete="one-time-code"
          inputMode="numeric"
          pattern="[0-9 ]*"
          maxLength={7}
          required
          error={state.fieldErrors?.code}
          classNames={classNames}
        />
        <Button type="submit" pending={pending} disabled={pending} className={classNames?.button}>
          {pending ? "Verifying…" : "Verify"}
        </Button>
      </form>
    </section>
  );
}
