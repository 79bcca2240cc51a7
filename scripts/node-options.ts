/**
 * @default 384 — the V8 heap limit `npm start` gives the server, in MiB. Without one, V8 sizes the
 * heap from the machine's memory and lets it grow to 500-650 MiB under a steady page load before
 * collecting; the portal's live data stays far below this (it runs, slower, with 128).
 */
export const DEFAULT_HEAP_LIMIT_MB = 384;

/** NODE_OPTIONS for the production server: the operator's own, plus the heap limit unless they set one. */
export function serverNodeOptions(env: Record<string, string | undefined> = process.env): string {
  const own = env.NODE_OPTIONS?.trim() ?? "";
  if (/--max-old-space-size[= ]/.test(own)) return own;
  return `${own} --max-old-space-size=${DEFAULT_HEAP_LIMIT_MB}`.trim();
}
