"use client";

import { useActionState, useState } from "react";
import type { ActionState } from "../action-state";
import { twoFactorMessage, type TwoFactorErrorCode, type TwoFactorFailure } from "../messages";
import { AuthenticatorCodeForm } from "./authenticator-code-form";
import { BackupCodeForm } from "./backup-code-form";
import { Button } from "./button";
import { slotClasses, type ClassNames, type TwoFactorSlot } from "./class-names";
import { CodeField } from "./code-field";
import { FormMessage } from "./form-message";
import { LockNotice, useLockNotice } from "./lock-notice";
import { useFollowRedirect, type Navigate } from "./navigation";
import { offeredMethods, OtherMethods, type ChallengeMethod } from "./other-methods";
import { PasskeyChallengeForm } from "./passkey-challenge-form";
import { ResendButton } from "./resend-button";
import type { StepAction, TransportMessages } from "./route-action";
import { TimeZoneField, useBrowserTimeZone } from "./time-zone";
import { TrustDevice } from "./trust-device";
import { useVerifySubmit } from "./use-verify-submit";
import { useWebOtp } from "./use-web-otp";

/** A failure the page was opened with (the send at sign-in), with when it lifts (ISO time). */
export interface ChallengeNotice {
  code: TwoFactorErrorCode;
  liftsAt: string | null;
}

export interface ChallengeProps {
  phoneMasked: string | null;
  resendAt: string | null;
  /** Whether a code was texted for this sign-in: the send at sign-in may have failed. */
  codeSent: boolean;
  notice: ChallengeNotice | null;
  /** The second factor is locked until then (ISO time). */
  lockedUntil: string | null;
  /** How long "Trust this device" skips the code, in words ("30 days"). */
  trustedFor: string;
  /** The steps: check an SMS code, check a backup code, text a new code. */
  verifySms: StepAction;
  verifyBackup: StepAction;
  /**
   * The methods in order (the page status's `methods`): the challenge opens with the first and
   * "Choose another verification method" lists the rest. Without it, SMS first (and the app when
   * `hasAuthenticatorApp`).
   */
  methods?: readonly ChallengeMethod[];
  /** The member has an authenticator app: "Use your authenticator app" is offered (with `verifyAuthenticator`). Ignored with `methods`. */
  hasAuthenticatorApp?: boolean;
  /** challenge/passkey-options, and challenge/verify with `method: "passkey"` (posted with JavaScript: WebAuthn needs it); "passkey" is offered only with both. */
  passkeyOptions?: StepAction;
  verifyPasskey?: StepAction;
  /** The step that checks the app's code (the route's `method`: "authenticator"). */
  verifyAuthenticator?: StepAction;
  resend: StepAction;
  /** With JavaScript, "Verify" posts here (fields plus `method`) instead of running its action. */
  verifyUrl?: string;
  /** Where a redirect answer from `verifyUrl` (a sign-in that ended) sends the browser. */
  expiredPath?: string;
  transportMessages?: TransportMessages;
  /** The "Submit a change of password request" link; without it the link is not shown. */
  changePasswordHref?: string;
  onNavigate?: Navigate;
  classNames?: ClassNames<TwoFactorSlot>;
}

const noAuthenticatorStep: StepAction = async () => ({ ok: false });

/**
 * The sign-in challenge: it opens with the member's first method (`methods`) and offers the rest:
 * a passkey or security key, the authenticator app's code, the SMS code (with "Resend code";
 * when none was texted for this sign-in, it says so), or a backup code, and "Trust this device".
 */
export function Challenge(props: ChallengeProps) {
  const { classNames } = props;
  const cx = slotClasses(classNames);
  const offered = offeredMethods(props.methods, { passkey: Boolean(props.passkeyOptions && props.verifyPasskey), authenticator: Boolean(props.verifyAuthenticator) }, props.hasAuthenticatorApp);
  const [method, setMethod] = useState<ChallengeMethod>(offered[0]!);
  const [smsActionState, smsAction, smsActionPending] = useActionState(props.verifySms, {});
  const [backupActionState, backupAction, backupActionPending] = useActionState(props.verifyBackup, {});
  const [appActionState, appAction, appActionPending] = useActionState(props.verifyAuthenticator ?? noAuthenticatorStep, {});
  const postOptions = { redirectedTo: props.expiredPath, messages: props.transportMessages };
  const smsSubmit = useVerifySubmit("sms", props.verifyUrl, postOptions);
  const backupSubmit = useVerifySubmit("backup", props.verifyUrl, postOptions);
  const appSubmit = useVerifySubmit("authenticator", props.verifyUrl, postOptions);
  const smsState = smsSubmit.state ?? smsActionState;
  const backupState = backupSubmit.state ?? backupActionState;
  const appState = appSubmit.state ?? appActionState;
  const [passkeyState, setPasskeyState] = useState<ActionState>({});
  const verifyingSms = smsSubmit.pending || smsActionPending;
  const [resendState, resendAction, resending] = useActionState(props.resend, {});
  const autofilled = useWebOtp(method === "sms");
  const timeZone = useBrowserTimeZone();
  const say = (failure: { code: TwoFactorErrorCode; liftsAt?: string | null; triesLeft?: number }) => {
    const now = new Date();
    const known: TwoFactorFailure = { ...failure, retryAfterMs: failure.liftsAt ? Date.parse(failure.liftsAt) - now.getTime() : undefined };
    return twoFactorMessage(known, { screen: "challenge", now, timeZone });
  };
  // A new code makes the answers about the old one stale: they are hidden until the next try.
  // Only a new resend answer marks the SMS answer shown at that moment as stale (state adjusted
  // while rendering, as React advises for state derived from a change, not in an effect).
  const [staleSmsState, setStaleSmsState] = useState<ActionState | null>(null);
  const [seenResendState, setSeenResendState] = useState(resendState);
  if (resendState !== seenResendState) {
    setSeenResendState(resendState);
    if (resendState.ok) setStaleSmsState(smsState);
  }
  const smsShown = smsState === staleSmsState ? {} : smsState;
  const lock = useLockNotice([props.lockedUntil, smsState.lockedUntil, backupState.lockedUntil, appState.lockedUntil, passkeyState.lockedUntil, resendState.lockedUntil], "challenge");
  const pageNotice = props.notice && props.notice.code !== "LOCKED" && !resendState.ok && !resendState.error ? say(props.notice) : undefined;
  const done = [smsState, backupState, appState, passkeyState].find((state) => state.redirectTo);
  const goTo = done?.redirectTo;
  useFollowRedirect(goTo, props.onNavigate);

  if (done?.ok && goTo) {
    return (
      <p role="status" className={cx("status", "rounded-md bg-green-50 p-3 text-green-900")}>
        Verified. Signing you in… <a href={goTo} className={cx("link", "underline")}>Continue</a>
      </p>
    );
  }

  return (
    <div className={classNames?.root}>
      <LockNotice message={lock.message} classNames={classNames} />
      {/* While locked, the forms are disabled; the change of password request below stays open. */}
      <fieldset disabled={lock.locked} className="disabled:opacity-60">
      {method === "sms" ? (
        <>
          <p className={cx("text", "mb-4")}>
            {props.codeSent || resendState.ok
              ? `We texted a verification code to ${props.phoneMasked ?? "your phone"}. Enter it to finish signing in.`
              : "No code has been texted for this sign-in yet. Ask for one with “Resend code”, or choose another verification method."}
          </p>
          <FormMessage error={resendState.lockedUntil ? undefined : (resendState.error ?? pageNotice)} message={resendState.message} classNames={classNames} />
          <form action={smsAction} onSubmit={smsSubmit.onSubmit} noValidate>
            <TimeZoneField />
            <FormMessage error={smsShown.lockedUntil ? undefined : smsShown.error} classNames={classNames} />
            <CodeField autoFocus defaultValue={autofilled} key={autofilled} error={smsShown.fieldErrors?.code} classNames={classNames} />
            <TrustDevice trustedFor={props.trustedFor} classNames={classNames} />
            <Button type="submit" pending={verifyingSms} disabled={verifyingSms} className={classNames?.button}>
              {verifyingSms ? "Verifying…" : "Verify"}
            </Button>
          </form>
          <form action={resendAction} className="mt-4">
            <TimeZoneField />
            <ResendButton resendAt={resendState.resendAt ?? props.resendAt} pending={resending} classNames={classNames} />
          </form>
        </>
      ) : method === "passkey" && props.passkeyOptions && props.verifyPasskey ? (
        <PasskeyChallengeForm options={props.passkeyOptions} verify={props.verifyPasskey} trustedFor={props.trustedFor} onAnswer={setPasskeyState} classNames={classNames} />
      ) : method === "authenticator" ? (
        <AuthenticatorCodeForm
          action={appAction}
          onSubmit={appSubmit.onSubmit}
          state={appState}
          pending={appSubmit.pending || appActionPending}
          trustedFor={props.trustedFor}
          classNames={classNames}
        />
      ) : (
        <BackupCodeForm
          action={backupAction}
          onSubmit={backupSubmit.onSubmit}
          state={backupState}
          pending={backupSubmit.pending || backupActionPending}
          trustedFor={props.trustedFor}
          classNames={classNames}
        />
      )}
      </fieldset>

      <div className="mt-6 border-t border-slate-200 pt-4 text-sm">
        <OtherMethods method={method} methods={offered} onChoose={setMethod} classNames={classNames} />
        {props.changePasswordHref ? (
          <p className={cx("text", "mt-4")}>
            Can&apos;t sign in? <a href={props.changePasswordHref} className={cx("link", "underline")}>Submit a change of password request</a>
          </p>
        ) : null}
      </div>
    </div>
  );
}
