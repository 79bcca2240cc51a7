"use client";

import { useState } from "react";
import { slotClasses, type ClassNames } from "./class-names";

export type ChallengeMethod = "sms" | "backup" | "authenticator" | "passkey";

/** Each method's link, the same on the challenge and on "Confirm it's you". */
export const METHOD_LABELS: Record<ChallengeMethod, string> = {
  passkey: "Use a passkey or security key",
  authenticator: "Use your authenticator app",
  sms: "Use the code received via SMS",
  backup: "Use the backup code",
};

/**
 * "Choose another verification method": offers the methods not already shown, a passkey first and
 * the authenticator app next when the member has them; without one, the SMS code and the backup code only.
 */
export function OtherMethods({
  method,
  onChoose,
  hasAuthenticatorApp = false,
  hasPasskey = false,
  classNames,
}: {
  method: ChallengeMethod;
  onChoose(next: ChallengeMethod): void;
  hasAuthenticatorApp?: boolean;
  /** The member has a passkey (and the page can use it): offered first. */
  hasPasskey?: boolean;
  classNames?: ClassNames<"link">;
}) {
  const cx = slotClasses(classNames);
  const [choosing, setChoosing] = useState(false);
  const link = cx("link", "underline");
  const choose = (next: ChallengeMethod) => {
    onChoose(next);
    setChoosing(false);
  };
  const offered = [...(hasPasskey ? (["passkey"] as const) : []), ...(hasAuthenticatorApp ? (["authenticator", "sms", "backup"] as const) : (["sms", "backup"] as const))].filter((m) => m !== method);
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
