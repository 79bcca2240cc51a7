import type { ComponentProps } from "react";
import { slotClass } from "./class-names";

const PRIMARY =
  "inline-flex items-center justify-center rounded-md bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 disabled:opacity-60 aria-disabled:opacity-60";

/** The main button of a form; `pending` marks it busy. `className` is merged over its own classes. */
export function Button({ pending, children, className, ...props }: { pending?: boolean } & ComponentProps<"button">) {
  return (
    <button aria-disabled={pending || undefined} className={slotClass(PRIMARY, className)} {...props}>
      {children}
    </button>
  );
}
