import { slotClasses, type ClassNames } from "./class-names";

export type EnrollmentProgressSlot = "text" | "root" | "bar";

/**
 * How many of an organization's members have set up two-step authentication, as words and a
 * progress bar; with `secure` (the organization accepts secure methods only), how many use a
 * secure method (an authenticator app or a passkey) instead.
 */
export function EnrollmentProgress(props: { enrolled: number; total: number; secure?: number; classNames?: ClassNames<EnrollmentProgressSlot> }) {
  const { total, classNames } = props;
  const enrolled = props.secure ?? props.enrolled;
  const cx = slotClasses(classNames);
  const percent = total ? Math.round((enrolled / total) * 100) : 0;
  return (
    <>
      <p id="enrollment-label" className={cx("text", "mb-1 font-medium")}>
        {enrolled} of {total} members {props.secure === undefined ? "have set up two-step authentication" : "use a secure method (authenticator app or passkey)"}
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
