import type { SearchParams } from "../http/query-params";

// "Confirm it's you" then the action asked for, as GitHub's sudo mode: an action that needs a recent
// second factor sends the browser to /confirm with `next` = the page that holds the action plus
// `resume=<intent>` (and its arguments). That page, once the second factor is recent, shows the
// action's own confirmation step, open and focused. Nothing changes on that GET: the user still
// clicks once to do it, and the action checks everything again when posted.

/** `path` (the page, with its query kept) carrying the pending intent. */
export function resumePath(path: string, intent: Record<string, string>): string {
  const url = new URL(path, "https://resume.invalid");
  for (const [name, value] of Object.entries(intent)) url.searchParams.set(name, value);
  return `${url.pathname}${url.search}`;
}

/** The page's `resume=…` when it is one of `intents` (a repeated or unknown one is none). */
export function readResume<T extends string>(params: SearchParams, intents: readonly T[]): T | null {
  const value = params.resume;
  return typeof value === "string" && (intents as readonly string[]).includes(value) ? (value as T) : null;
}
