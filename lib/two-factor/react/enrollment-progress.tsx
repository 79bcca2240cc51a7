import { slotClasses, type ClassNames } from "./class-names";

export type EnrollmentProgressSlot = "text" | "root" | "bar";

/** How many of an organization's members have set up two-step authentication, as words and a progress bar. */
export function EnrollmentProgress({ enrolled, total, classNames }: { enrolled: number; total: number; classNames?: ClassNames<EnrollmentProgressSlot> }) {
  const cx = slotClasses(classNames);
  const percent = total ? Math.round((enrolled / total) * 100) : 0;
  return (
    <>
      <p id="enrollment-label" className={cx("text", "mb-1 font-medium")}>
        {enrolled} of {total} members have set up two-step authentication
      </p>
      <div
        role="progressbar"
        aria-labelledby="enrollment-label"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={enrolled}
        aria-valuetext={`${enrolled} of ${total} members`}
        className={cx("root", "mb-6 h-3 w-full overflow-hidden rounded-full bg-slate-200")}
      >
        <div className={cx("bar", "h-full bg-green-600")} style={{ width: `${percent}%` }} />
      </div>
    </>
  );
}
