"use client";

import { useEffect, useRef, useState } from "react";
import { slotClasses, type ClassNames, type TwoFactorSlot } from "./class-names";

const SECONDARY = "rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100";

/**
 * A method's "Remove", asked once more in the page: a question with its own buttons, focus moved
 * to it and back to "Remove" on "Cancel". `open`: back from "Confirm it's you", already asked.
 */
export function RemoveMethod(props: {
  /** The question's element id (its form is labelled by it). */
  id: string;
  question: string;
  confirmLabel: string;
  /** The "Remove" button's accessible name, when the visible word alone would be ambiguous on the page. */
  removeLabel?: string;
  action: (formData: FormData) => void;
  pending: boolean;
  open: boolean;
  classNames?: ClassNames<TwoFactorSlot>;
}) {
  const cx = slotClasses(props.classNames);
  const [asking, setAsking] = useState(props.open);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const removeButton = useRef<HTMLButtonElement>(null);
  const [focusRemove, setFocusRemove] = useState(false);
  useEffect(() => {
    if (asking) confirmButton.current?.focus();
    else if (focusRemove) removeButton.current?.focus();
  }, [asking, focusRemove]);
  const secondary = cx("secondaryButton", SECONDARY);
  if (!asking) {
    return (
      <button ref={removeButton} type="button" aria-label={props.removeLabel} onClick={() => setAsking(true)} className={secondary}>
        Remove
      </button>
    );
  }
  return (
    <form action={props.action} aria-labelledby={props.id} className="rounded-md border border-amber-300 bg-amber-50 p-4">
      <p id={props.id} className={cx("text", "mb-3 font-medium")}>
        {props.question}
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <button ref={confirmButton} type="submit" disabled={props.pending} className={secondary}>
          {props.pending ? "Removing…" : props.confirmLabel}
        </button>
        <button
          type="button"
          onClick={() => {
            setAsking(false);
            setFocusRemove(true);
          }}
          className={cx("link", "underline")}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
