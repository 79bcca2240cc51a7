import { slotClasses, type ClassNames } from "./class-names";

/** "Trust this device", ticked by default, with how long it lasts. */
export function TrustDevice({ trustedFor, classNames }: { trustedFor: string; classNames?: ClassNames<"checkbox" | "label" | "text"> }) {
  const cx = slotClasses(classNames);
  return (
    <div className="mb-4 flex items-start gap-3">
      <input id="trustDevice" name="trustDevice" type="checkbox" defaultChecked className={cx("checkbox", "mt-1 h-4 w-4")} aria-describedby="trustDevice-hint" />
      <div>
        <label htmlFor="trustDevice" className={classNames?.label}>
          Trust this device
        </label>
        <p id="trustDevice-hint" className={cx("text", "text-sm text-slate-600")}>
          We won&apos;t ask for a code on this browser for {trustedFor}.
        </p>
      </div>
    </div>
  );
}
