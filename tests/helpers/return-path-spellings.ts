import fc from "fast-check";

// Spellings of a return path that try to leave the site, for the unit properties
// (tests/unit/return-path.test.ts) and the pages (tests/e2e/return-paths.spec.ts).

const HOST = "evil.example";

/** The pieces a browser's URL parser reads differently from a naive string check. */
const PIECES = [
  "/", "//", "\\", "/\\", "\\/", "\\\\",
  ".", "..", "/.", "/..", "/./", "/../", "%2e", "%2E", "%2e%2e", "%2E.", ".%2e", "%2e.", "%2E%2E",
  "%2f", "%2F", "%5c", "%5C", "%252f", "%255c",
  "\t", "\n", "\r", " ", "\u0000", "\u000b", "\u000c", "%09", "%0a", "%0d", "%20",
  HOST, `${HOST}:443`, "@", ":", "?", "#", "&", "=",
  "https:", "http:", "javascript:", "data:", "https://", "http:\\\\",
  "security", "account-settings", "sign-in", "two-factor", "x",
];

/** Whitespace and controls a URL parser strips before it reads anything. */
const LEADING = ["", " ", "\t", "\n", "\r\n", "\u0000", "\u001f", " \t\n"];

/** Spellings assembled from the pieces above, with leading junk and a host somewhere in most. */
export const hostileSpelling: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...LEADING), fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 10 }), fc.boolean())
  .map(([leading, pieces, endWithHost]) => `${leading}${pieces.join("")}${endWithHost ? `//${HOST}/x` : ""}`);

/** Absolute and relative URLs as fast-check writes them, with their slashes doubled or turned. */
const webSpelling: fc.Arbitrary<string> = fc
  .tuple(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.constantFrom("", "/", "/..", "\\", "/."))
  .map(([url, prefix]) => `${prefix}${url.replace(/^https?:/, "")}`);

/** Hostile spellings, web URLs and arbitrary strings (any UTF-16 unit, lone surrogates included). */
export const anySpelling: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: hostileSpelling },
  { weight: 2, arbitrary: webSpelling },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
);

const SAFE_CHAR = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_~";
const word = fc.string({ unit: fc.constantFrom(...SAFE_CHAR), minLength: 1, maxLength: 8 });

/** Portal paths already in the form the URL parser gives them: each must be kept as it is. */
export const resolvedPortalPath: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(word, { minLength: 0, maxLength: 4 }),
    fc.option(fc.array(fc.tuple(word, word), { minLength: 1, maxLength: 3 }), { nil: undefined }),
    fc.option(word, { nil: undefined }),
  )
  .filter(([segments]) => segments[0] !== "sign-in" && segments[0] !== "two-factor")
  .map(([segments, query, fragment]) => {
    const path = `/${segments.join("/")}`;
    const search = query ? `?${query.map(([k, v]) => `${k}=${v}`).join("&")}` : "";
    return `${path}${search}${fragment === undefined ? "" : `#${fragment}`}`;
  });

/** Written out: the issue's own example and the classic ones, as they stand in a query string. */
export const LISTED_SPELLINGS = [
  "/..//evil.example/x",
  "/../evil.example",
  "/.//evil.example",
  "/%2e%2e//evil.example/x",
  "/%2E.//evil.example/x",
  "/.%2e/%2fevil.example",
  "/a/../..//evil.example",
  "/account-settings/..//evil.example",
  "//evil.example",
  "///evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "/%5Cevil.example",
  "/..\\evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "\t//evil.example",
  " //evil.example",
  "https://evil.example/phish",
  "https:evil.example",
  "http:\\\\evil.example",
  "javascript:alert(document.domain)",
  "java\nscript:alert(1)",
  "data:text/html,hello",
  "//localhost@evil.example",
];
