"use client";

import { useState } from "react";
import { slotClasses, type ClassNames } from "./class-names";

export type ChallengeMethod = "sms" | "backup";

/** "Choose another verification method": offers only the method not already shown. */
export function OtherMethods({ method, onChoose, classNames }: { method: ChallengeMethod; onChoose(next: ChallengeMethod): void; classNames?: ClassNames<"link"> }) {
  const cx = slotClasses(classNames);
  const [choosing, setChoosing] = useState(false);
  const link = cx("link", "underline");
  const choose = (next: ChallengeMethod) => {
    onChoose(next);
    setChoosing(false);
  };
  return (
    <>
      <button type="button" aria-expanded={choosing} aria-controls="other-methods" onClick={() => setChoosing(!choosing)} className={link}>
        Choose another verification method
      </button>
      {choosing ? (
        <ul id="other-methods" className="mt-3 flex flex-col gap-2">
          {method !== "sms" ? (
            <li>
              <button type="button" onClick={() => choose("sms")} className={link}>
                Use the code received via SMS
              </button>
            </li>
          ) : null}
          {method !== "backup" ? (
            <li>
              <button type="button" onClick={() => choose("backup")} className={link}>
                Use the backup code
              </button>
            </li>
          ) : null}
        </ul>
      ) : null}
    </>
  );
}
