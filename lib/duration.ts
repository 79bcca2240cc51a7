const UNITS = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
  ["second", 1_000],
] as const;

const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/** A configured length of time in words, in the largest unit it is a whole number of: "30 days", "5 minutes", "90 seconds". */
export function formatDuration(ms: number): string {
  for (const [unit, size] of UNITS) if (ms >= size && ms % size === 0) return count(ms / size, unit);
  return count(Math.ceil(ms / 1_000), "second");
}

/** A wait still to run, rounded up: seconds under a minute, else whole minutes ("12 seconds", "3 minutes"). */
export function formatWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return count(seconds, "second");
  return count(Math.ceil(seconds / 60), "minute");
}
