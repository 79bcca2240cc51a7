import type { ComponentProps, ReactNode } from "react";
import { slotClasses, type ClassNames } from "./class-names";

export type FieldSlot = "label" | "text" | "input" | "error";

/** A labelled text input with its hint and error, tied to it by `aria-describedby`. */
export function Field({
  label,
  name,
  error,
  hint,
  classNames,
  ...input
}: { label: string; name: string; error?: ReactNode; hint?: ReactNode; classNames?: ClassNames<FieldSlot> } & ComponentProps<"input">) {
  const cx = slotClasses(classNames);
  const errorId = `${name}-error`;
  const hintId = `${name}-hint`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="mb-4">
      <label htmlFor={name} className={cx("label", "mb-1 block text-sm font-medium")}>
        {label}
      </label>
      {hint ? (
        <p id={hintId} className={cx("text", "mb-1 text-sm text-slate-600")}>
          {hint}
        </p>
      ) : null}
      <input
        id={name}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className={cx("input", "block w-full rounded-md border border-slate-300 px-3 py-2 aria-[invalid]:border-red-600")}
        {...input}
      />
      {error ? (
        <p id={errorId} className={cx("error", "mt-1 text-sm text-red-700")}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
