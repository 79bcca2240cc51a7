"use client";

/** When members must act: at their next sign-in, or within a number of days (1 to 30). */
export type GraceDeadline = "next_sign_in" | "days";

/**
 * The grace period's choice, shared by the requirement and the allowed methods: "At their next
 * sign-in" or "Within N days". `errorId`: the days field points at its error by that id.
 */
export function GraceDeadlineFields(props: {
  /** Prefix of the radios' ids ("deadline" → "deadline-next", "deadline-days"). */
  idPrefix: string;
  deadlineName: string;
  daysName: string;
  legend: string;
  daysLabel: string;
  className: string;
  deadline: string;
  onDeadline(deadline: GraceDeadline): void;
  defaultDays: number;
  error?: string;
  errorId?: string;
}) {
  const { idPrefix, error, errorId } = props;
  return (
    <fieldset className={props.className}>
      <legend className="mb-1 text-sm font-medium">{props.legend}</legend>
      <div className="flex items-center gap-2">
        <input id={`${idPrefix}-next`} type="radio" name={props.deadlineName} value="next_sign_in" checked={props.deadline === "next_sign_in"} onChange={() => props.onDeadline("next_sign_in")} />
        <label htmlFor={`${idPrefix}-next`}>At their next sign-in</label>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <input id={`${idPrefix}-days`} type="radio" name={props.deadlineName} value="days" checked={props.deadline === "days"} onChange={() => props.onDeadline("days")} />
        <label htmlFor={`${idPrefix}-days`}>Within</label>
        <input
          name={props.daysName}
          type="number"
          min={1}
          max={30}
          defaultValue={props.defaultDays}
          aria-label={props.daysLabel}
          aria-invalid={error ? true : undefined}
          aria-describedby={error && errorId ? errorId : undefined}
          className="w-20 rounded-md border border-slate-300 px-2 py-1"
        />
        <span>days</span>
      </div>
      {error ? (
        <p id={errorId} className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
