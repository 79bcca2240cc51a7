import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_ACTIVITY_PAGE, parseActivityQuery } from "@/lib/activity";
import { AUDIT_EVENT_TYPES } from "@/lib/audit";
import { ERROR_MESSAGES } from "@/lib/errors";
import type { SearchParams } from "@/lib/http/query-params";
import { parseMembersQuery } from "@/lib/members";

// The admin pages' query parameters arrive as Next.js decodes them: any string (invalid UTF-8
// already replaced by U+FFFD), or an array when a name is repeated.

const RUNS = { numRuns: 500 };

/** What PostgreSQL text cannot hold (NUL), what no person types (controls), and what the URL decoder leaves for broken UTF-8. */
// eslint-disable-next-line no-control-regex
const UNREADABLE = /[\u0000-\u001f\u007f-\u009f\ufffd]/;

const junkChar = fc.oneof(
  fc.constantFrom("\u0000", "\u0001", "\u001f", "\u007f", "\u0085", "\ufffd", "\t", "\n"),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((u) => String.fromCharCode(u)),
  fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  fc.constantFrom("a", "Z", "@", ".", "-", "1", "%", "é", " "),
);
const junkText = fc.oneof(
  { weight: 5, arbitrary: fc.array(junkChar, { maxLength: 40 }).map((parts) => parts.join("")) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 90, maxLength: 400 }) },
  { weight: 1, arbitrary: fc.constantFrom("1e300", "-1", "0", "1.5", "Infinity", "NaN", "0x10", "99999999999999999999", " 2") },
);
const junkValue = fc.oneof({ weight: 4, arbitrary: junkText }, { weight: 1, arbitrary: fc.array(junkText, { minLength: 2, maxLength: 3 }) });
const params = (names: string[]) =>
  fc.dictionary(fc.constantFrom(...names), junkValue, { maxKeys: names.length }) as fc.Arbitrary<SearchParams>;

const isReadable = (value: string) => !UNREADABLE.test(value) && value.isWellFormed();

describe("parseMembersQuery (the members table's q, after, before)", () => {
  it("any query gives a canonical query and never throws: nothing PostgreSQL cannot hold gets through", () => {
    fc.assert(
      fc.property(params(["q", "after", "before", "page", "other"]), (input) => {
        const { query, problems } = parseMembersQuery(input);
        for (const text of [query.search, query.after ?? "", query.before ?? ""]) expect(isReadable(text)).toBe(true);
        expect([...query.search].length).toBeLessThanOrEqual(100);
        expect(query.after !== undefined && query.before !== undefined).toBe(false);
        for (const code of problems) expect(ERROR_MESSAGES[code]).toBeTruthy();
        // Canonical: the value it gives parses to itself, with nothing to say.
        const again = parseMembersQuery({ q: query.search, ...(query.after ? { after: query.after } : {}), ...(query.before ? { before: query.before } : {}) });
        expect(again).toEqual({ query, problems: [] });
      }),
      RUNS,
    );
  });

  it("a NUL byte, a control character, invalid UTF-8, a lone surrogate, 101 characters or a repeat is left out and named", () => {
    const unreadable = ["a\u0000b", "\u0000", "x\u0001y", "ab\u007f", "\u0085", "caf\ufffd", "a\ud800", ["a", "b"]];
    for (const bad of [...unreadable, "a".repeat(101)]) {
      expect(parseMembersQuery({ q: bad })).toEqual({ query: { search: "" }, problems: ["INVALID_SEARCH"] });
    }
    for (const bad of [...unreadable, "a".repeat(255), ""]) {
      expect(parseMembersQuery({ after: bad })).toEqual({ query: { search: "" }, problems: ["INVALID_PAGE_LINK"] });
      expect(parseMembersQuery({ before: bad })).toEqual({ query: { search: "" }, problems: ["INVALID_PAGE_LINK"] });
    }
    expect(parseMembersQuery({ after: "a@example.com", before: "b@example.com" })).toEqual({ query: { search: "" }, problems: ["INVALID_PAGE_LINK"] });
  });

  it("good parameters are kept (the search trimmed), and no parameters give the first page of everyone", () => {
    expect(parseMembersQuery({})).toEqual({ query: { search: "" }, problems: [] });
    expect(parseMembersQuery({ q: "  Ann O'Neil ", after: "ann@example.com" })).toEqual({
      query: { search: "Ann O'Neil", after: "ann@example.com" },
      problems: [],
    });
    expect(parseMembersQuery({ q: "é".repeat(100), before: "zoë@example.com" })).toEqual({ query: { search: "é".repeat(100), before: "zoë@example.com" }, problems: [] });
  });
});

describe("parseActivityQuery (the activity log's member, type, page)", () => {
  it("any query gives a canonical query and never throws: a page is a whole number from 1 to the bound", () => {
    fc.assert(
      fc.property(params(["member", "type", "page", "other"]), (input) => {
        const { query, problems } = parseActivityQuery(input);
        expect(isReadable(query.member)).toBe(true);
        expect(Number.isSafeInteger(query.page) && query.page >= 1 && query.page <= MAX_ACTIVITY_PAGE).toBe(true);
        expect(query.type === undefined || (AUDIT_EVENT_TYPES as readonly string[]).includes(query.type)).toBe(true);
        for (const code of problems) expect(ERROR_MESSAGES[code]).toBeTruthy();
        const again = parseActivityQuery({ member: query.member, type: query.type ?? "", page: String(query.page) });
        expect(again).toEqual({ query, problems: [] });
      }),
      RUNS,
    );
  });

  it("page numbers out of range or not whole (1e300, 0, -1, 1.5, 10001, 99999999999999999999) are left out and named", () => {
    for (const page of ["1e300", "0", "-1", "1.5", String(MAX_ACTIVITY_PAGE + 1), "99999999999999999999", "", " ", "0x10", "Infinity", "NaN", "1\u0000", ["1", "2"]]) {
      expect(parseActivityQuery({ page })).toEqual({ query: { member: "", type: undefined, page: 1 }, problems: ["INVALID_PAGE_LINK"] });
    }
    expect(parseActivityQuery({ page: String(MAX_ACTIVITY_PAGE) }).query.page).toBe(MAX_ACTIVITY_PAGE);
  });

  it("a member filter with a NUL byte, control characters or invalid UTF-8, and an unknown event type, are left out and named", () => {
    for (const member of ["a\u0000@example.com", "a@exa\nmple.com", "\ufffd@example.com", "a".repeat(255), ["a@example.com", "b@example.com"]]) {
      expect(parseActivityQuery({ member, page: "2" })).toEqual({ query: { member: "", type: undefined, page: 2 }, problems: ["INVALID_MEMBER_FILTER"] });
    }
    for (const type of ["\u0000", "sign_in", "sign_in.failed ", "' or 1=1 --"]) {
      expect(parseActivityQuery({ type, member: "a@example.com" })).toEqual({ query: { member: "a@example.com", type: undefined, page: 1 }, problems: ["INVALID_EVENT_FILTER"] });
    }
    expect(parseActivityQuery({ type: "", member: "" })).toEqual({ query: { member: "", type: undefined, page: 1 }, problems: [] });
    expect(parseActivityQuery({ type: "sign_in.failed", member: " A@Example.com " }).query).toEqual({ member: "A@Example.com", type: "sign_in.failed", page: 1 });
  });
});
