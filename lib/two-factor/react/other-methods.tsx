"use client";

import { useState } from "react";
import { slotClasses, type ClassNames } from "./class-names";

/** A way through the challenge or "Confirm it's you" (the core's `ChallengeMethodName`). */
export type ChallengeMethod = "passkey" | "authenticator" | "sms" | "backup";

/** Each method's link, the same on the challenge and on "Confirm it's you". */
export const METHOD_LABELS: Record<ChallengeMethod, string> = {
  passkey: "Use a passkey or security key",
  authenticator: "Use your authenticator app",
  sms: "Use the code received via SMS",
  backup: "Use the backup code",
};

/**
 * The methods a page offers, in the order the page status gave (`methods`: the challenge's order,
 * the preferred one first), keeping only those the page can take: a passkey when its steps are
 * given, the app when its step is. Without `methods` (an older page), the article's two, with
 * the app first when the member has one. Never empty: the backup code always remains.
 */
export function offeredMethods(
  methods: readonly ChallengeMethod[] | undefined,
  can: { passkey: boolean; authenticator: boolean },
  hasAuthenticatorApp = false,
): ChallengeMethod[] {
  const listed = methods ?? (hasAuthenticatorApp ? (["authenticator", "sms", "backup"] as const) : (["sms", "backup"] as const));
  const offered = listed.filter((m) => (m === "passkey" ? can.passkey : m === "authenticator" ? can.authenticator : true));
  return offered.includes("backup") ? offered : [...offered, "backup"];
}

/**
 * "Choose another verification method": the offered methods but the one shown, in their order;
 * with SMS alone, the SMS code and the backup code, as in the article.
 */
export function OtherMethods({
  method,
  methods,
  onChoose,
  classNames,
}: {
  method: ChallengeMethod;
  /** Every offered method, in order (`offeredMethods`). */
  methods: readonly ChallengeMethod[];
  onChoose(next: ChallengeMethod): void;
  classNames?: ClassNames<"link">;
}) {
  const cx = slotClasses(classNames);
  const [choosing, setChoosing] = useState(false);
  const link = cx("link", "underline");
  const choose = (next: ChallengeMethod) => {
    onChoose(next);
    setChoosing(false);
  };
  const offered = methods.filter((m) => m !== method);
  if (offered.length === 0) return null;
  return (
    <>
      <button type="button" aria-expanded={choosing} aria-controls="other-methods" onClick={() => setChoosing(!choosing)} className={link}>
        Choose another verification method
      </button>
      {choosing ? (
        <ul id="other-methods" className="mt-3 flex flex-col gap-2">
          {offered.map((next) => (
            <li key={next}>
              <button type="button" onClick={() => choose(next)} className={link}>
                {METHOD_LABELS[next]}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
