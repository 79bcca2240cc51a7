export type Verdict = "met" | "missed" | "info" | "n/a";

export interface Row {
  item: string;
  what: string;
  figure: string;
  baseline: string;
  ratio: string;
  goal: string;
  verdict: Verdict;
}

export function fmt(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return "n/a";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ratio(figure: number, baseline: number, digits = 2): string {
  if (!Number.isFinite(figure) || !Number.isFinite(baseline) || baseline === 0) return "n/a";
  return `${fmt(figure / baseline, digits)}×`;
}

const HEADERS: Record<keyof Row, string> = {
  item: "#",
  what: "figure",
  figure: "measured",
  baseline: "baseline (same run)",
  ratio: "ratio",
  goal: "goal (issue 6)",
  verdict: "",
};

/** A Markdown table: readable in a terminal, pasteable into RESULTS.md. */
export function renderTable(rows: Row[]): string {
  const keys = Object.keys(HEADERS) as (keyof Row)[];
  const cell = (row: Row, key: keyof Row) => String(row[key]).replace(/\|/g, "\\|");
  const widths = keys.map((key) => Math.max(HEADERS[key].length, ...rows.map((row) => cell(row, key).length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i]!)).join(" | ")} |`;
  return [
    line(keys.map((key) => HEADERS[key])),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.map((row) => line(keys.map((key) => cell(row, key)))),
  ].join("\n");
}
