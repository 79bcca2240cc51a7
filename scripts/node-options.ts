/**
 * @default 384 — the V8 heap limit `npm start` gives the server, in MiB. Without one, V8 sizes the
 * heap from the machine's memory and lets it grow to 500-650 MiB under a steady page load before
 * collecting; the portal's live data stays far below this (it runs, slower, with 128).
 */
export const DEFAULT_HEAP_LIMIT_MB = 384;

/**
 * @default 32 — the V8 young generation's semi-space limit `npm start` gives the server, in MiB.
 * With the heap limit above, Node 24 lets each semi-space grow to 64 MiB, and a steady page load
 * fills them with garbage that dies young: with 32 the peak resident memory under bench item 1's
 * load fell from 400 to 336 MiB, the verification's rate, CPU and p99 unchanged; 16 saved 40 MiB
 * more for 2-4 % more CPU and a p99 about a tenth higher (bench/RESULTS.md, stop 26).
 */
export const DEFAULT_SEMI_SPACE_MB = 32;

/** NODE_OPTIONS for the production server: the operator's own, plus each memory limit they did not set. */
export function serverNodeOptions(env: Record<string, string | undefined> = process.env): string {
  const own = env.NODE_OPTIONS?.trim() ?? "";
  const added = [
    /--max-old-space-size[= ]/.test(own) ? null : `--max-old-space-size=${DEFAULT_HEAP_LIMIT_MB}`,
    /--max-semi-space-size[= ]/.test(own) ? null : `--max-semi-space-size=${DEFAULT_SEMI_SPACE_MB}`,
  ].filter((option) => option !== null);
  return [own, ...added].filter(Boolean).join(" ");
}
