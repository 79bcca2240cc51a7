import { twMerge } from "tailwind-merge";

/**
 * The parts of a component a host may restyle, one vocabulary for every component (each names the
 * subset it has): its outermost element, its heading, its paragraphs and field hints, field labels,
 * text inputs, checkboxes, the main button, the other buttons, the underlined link-like buttons and
 * links, error messages, and confirmations or warnings. The progress bar adds its `bar`.
 */
export type TwoFactorSlot =
  | "root"
  | "title"
  | "text"
  | "label"
  | "input"
  | "checkbox"
  | "button"
  | "secondaryButton"
  | "link"
  | "error"
  | "status"
  | "bar";

/** A host's Tailwind classes by slot, merged over the component's own. */
export type ClassNames<S extends TwoFactorSlot = TwoFactorSlot> = Partial<Record<S, string>>;

/**
 * The class of one slot: the component's default classes with the host's merged over them, so a
 * host's class replaces only the default it conflicts with ("bg-blue-600" replaces the background
 * and keeps the padding).
 */
export function slotClass(defaults: string, override: string | undefined): string {
  return override ? twMerge(defaults, override) : defaults;
}

/** `slotClass` bound to a component's `classNames`: `cx("title", "mb-2 text-xl")`. */
export function slotClasses<S extends TwoFactorSlot>(classNames: ClassNames<S> | undefined): (slot: S, defaults: string) => string {
  return (slot, defaults) => slotClass(defaults, classNames?.[slot]);
}

/** What a component hands its parts: the host's classes but its own `root` (each part has its own outermost element). */
export function innerClassNames<S extends TwoFactorSlot>(classNames: ClassNames<S> | undefined): ClassNames<Exclude<S, "root">> | undefined {
  if (!classNames || !("root" in classNames)) return classNames;
  const { root: _root, ...inner } = classNames as ClassNames<TwoFactorSlot>;
  return inner as ClassNames<Exclude<S, "root">>;
}
