import { z } from "zod";
import type { ErrorCode } from "../errors";

/** A page's query as Next.js hands it over: a repeated name gives an array. */
export type SearchParams = Record<string, string | string[] | undefined>;

/**
 * C0 and C1 controls (NUL included: PostgreSQL text cannot hold it, so it would fail the query),
 * and U+FFFD, which the URL decoder puts where the address held invalid UTF-8.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const UNREADABLE = /[\u0000-\u001f\u007f-\u009f\ufffd]/;

/** Text typed into a filter: trimmed, at most `maxLength` characters, nothing a person cannot type. */
export function queryText(maxLength: number) {
  return z
    .string()
    .trim()
    .max(maxLength)
    .refine((value) => !UNREADABLE.test(value) && value.isWellFormed());
}

/**
 * Reads one parameter into a canonical value. An absent parameter is its default; a repeated or
 * unreadable one is its default too, and `problems` gets the code of the message to show.
 */
export function readParam<T>(params: SearchParams, name: string, schema: z.ZodType<T>, fallback: T, problem: ErrorCode, problems: ErrorCode[]): T {
  const raw = params[name];
  if (raw === undefined) return fallback;
  const parsed = typeof raw === "string" ? schema.safeParse(raw) : null;
  if (parsed?.success) return parsed.data;
  if (!problems.includes(problem)) problems.push(problem);
  return fallback;
}
