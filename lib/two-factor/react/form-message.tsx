import { slotClasses, type ClassNames } from "./class-names";

export type FormMessageSlot = "error" | "status";

/** A form's answer: its error (an alert), else its warning or confirmation (a status). */
export function FormMessage({
  error,
  message,
  warning,
  id,
  classNames,
}: {
  error?: string;
  message?: string;
  warning?: string;
  id?: string;
  classNames?: ClassNames<FormMessageSlot>;
}) {
  const cx = slotClasses(classNames);
  if (error) {
    return (
      <p id={id} role="alert" className={cx("error", "mb-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800")}>
        {error}
      </p>
    );
  }
  if (warning) {
    return (
      <p role="status" data-tone="warning" className={cx("status", "mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900")}>
        {warning}
      </p>
    );
  }
  if (message) {
    return (
      <p role="status" className={cx("status", "mb-4 rounded-md border border-green-200 bg-green-50 p-3 text-sm text-green-800")}>
        {message}
      </p>
    );
  }
  return null;
}
