import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideGate } from "@/lib/auth/gate";
import { portalPaths } from "@/lib/auth/portal-cookies";
import { safeReturnPath } from "@/lib/return-path";
import { anySpelling, LISTED_SPELLINGS, resolvedPortalPath } from "../helpers/return-path-spellings";

const PORTAL = "https://portal.example";
// Pages of the portal a return path may be resolved against (a link's href, a Location header).
const PAGES = [`${PORTAL}/a/b?c`, `${PORTAL}/`, `${PORTAL}/sign-in?callbackUrl=%2F`, `${PORTAL}/account-settings/activity`];
const RUNS = { numRuns: 2000 };

/** What a browser makes of the answer on each page: always the portal, always a path of its own. */
function expectSafeAnswer(answer: string) {
  expect(answer).toMatch(/^\/(?![/\\])/);
  // eslint-disable-next-line no-control-regex
  expect(answer).not.toMatch(/[\u0000-\u0020\u007f\\]/);
  for (const page of PAGES) expect(new URL(answer, page).origin).toBe(PORTAL);
}

describe("the return path after sign-in cannot leave the site (no open redirect)", () => {
  it.each([
    ["/account-settings", "/account-settings"],
    ["/account-settings?tab=security#top", "/account-settings?tab=security#top"],
    ["/security?x=1#y", "/security?x=1#y"],
    ["/", "/"],
  ])("keeps the same-origin path %s", (input, expected) => {
    expect(safeReturnPath(input)).toBe(expected);
  });

  it.each([
    "https://evil.example/phish",
    "//evil.example/phish",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "http:/evil.example",
    "",
    "/sign-in?callbackUrl=//evil.example",
    "/two-factor",
  ])("turns %j into /", (input) => {
    expect(safeReturnPath(input)).toBe("/");
  });

  it("a CR LF in the value cannot split the redirect's headers: the URL parser drops it, and the answer holds none", () => {
    expect(safeReturnPath("/\r\nLocation:%20https://evil.example")).toBe("/Location:%20https://evil.example");
  });

  it("a value that is not a path from the root (a relative path, a double-encoded //) is answered with /", () => {
    fc.assert(
      // eslint-disable-next-line no-control-regex -- leading control characters are what the browser strips
      fc.property(fc.string().filter((v) => !/^[\u0000-\u0020]*[/\\]/.test(v)), (value) => {
        expect(safeReturnPath(value)).toBe("/");
      }),
      RUNS,
    );
    for (const value of ["%2F%2Fevil.example", "evil.example/x", "security", "./security", "?next=/x"]) expect(safeReturnPath(value)).toBe("/");
  });

  it("refuses anything that is not a string", () => {
    expect(safeReturnPath(undefined)).toBe("/");
    expect(safeReturnPath(["/x"])).toBe("/");
  });

  it("judges the path after the URL parser has collapsed dot segments: /..//evil.example/x becomes /", () => {
    expect(safeReturnPath("/..//evil.example/x")).toBe("/");
    expect(safeReturnPath("/%2e%2e//evil.example/x")).toBe("/");
    expect(safeReturnPath("/a/%2E.//evil.example")).toBe("/");
  });

  it.each(LISTED_SPELLINGS)("answers %j with a path that stays on the portal's origin from every page", (spelling) => {
    expectSafeAnswer(safeReturnPath(spelling));
  });

  it("any spelling (dot segments, encoded dots and slashes, backslashes, tabs, newlines, mixes, any string) is answered with a path that stays on the portal's origin from every page", () => {
    fc.assert(
      fc.property(anySpelling, (spelling) => {
        expectSafeAnswer(safeReturnPath(spelling));
      }),
      RUNS,
    );
  });

  it("a portal path already in its resolved form is kept as it is", () => {
    fc.assert(
      fc.property(resolvedPortalPath, (path) => {
        expect(safeReturnPath(path)).toBe(path);
      }),
      RUNS,
    );
  });

  it("judging an answer again changes nothing: the answer is already the resolved path", () => {
    fc.assert(
      fc.property(anySpelling, (spelling) => {
        const answer = safeReturnPath(spelling);
        expect(safeReturnPath(answer)).toBe(answer);
      }),
      RUNS,
    );
  });
});

describe("a return path held to a scope (the account-settings member actions)", () => {
  it("keeps a path under the scope and answers the scope itself for any other, judged after resolution", () => {
    expect(safeReturnPath("/account-settings?q=ann&after=x", "/account-settings")).toBe("/account-settings?q=ann&after=x");
    expect(safeReturnPath("/account-settings/activity", "/account-settings")).toBe("/account-settings/activity");
    for (const outside of ["/account-settings/..//evil.example", "/account-settings/../security", "/account-settingsx", "/security", "//evil.example"]) {
      expect(safeReturnPath(outside, "/account-settings")).toBe("/account-settings");
    }
  });

  it("any spelling is answered with a path under the scope that stays on the portal's origin", () => {
    fc.assert(
      fc.property(fc.oneof(anySpelling, anySpelling.map((s) => `/account-settings${s}`)), (spelling) => {
        const answer = safeReturnPath(spelling, "/account-settings");
        expectSafeAnswer(answer);
        expect(new URL(answer, PORTAL).pathname).toMatch(/^\/account-settings(\/|$)/);
      }),
      RUNS,
    );
  });
});

describe("the middleware's return path (callbackUrl) is judged by the same function", () => {
  it("any path asked for becomes a callbackUrl that stays on the portal's origin, or none", () => {
    fc.assert(
      fc.property(anySpelling, fc.constantFrom("", "?a=1", "?next=//evil.example"), (spelling, search) => {
        const decision = decideGate({ pathname: spelling, search, hasSession: false, hasPendingSignIn: false, isApi: false });
        if (decision.action !== "redirect" || decision.to === "/sign-in") return;
        const callbackUrl = new URL(decision.to, PORTAL).searchParams.get("callbackUrl");
        expect(callbackUrl).not.toBeNull();
        expectSafeAnswer(callbackUrl!);
      }),
      RUNS,
    );
  });
});

describe("an app's sign-in step is a return path every sign-in step keeps (issue 19)", () => {
  // The provider's interaction uids: url-safe base64 (oidc-provider's nanoid), the mount accepts [\w-]{1,64}.
  const uid = fc.stringMatching(/^[\w-]{1,64}$/);

  it("the sign-in page, the password, the setup, the challenge, a trusted device and the method picker (one judge, with the plugin's sign-in pages) keep /oauth/interaction/:uid", () => {
    fc.assert(
      fc.property(uid, (id) => {
        const step = `/oauth/interaction/${id}`;
        expect(safeReturnPath(step)).toBe(step);
        // How the plugin's steps judge the pending sign-in's returnTo (challenge-completion.ts, setup-completion.ts, secure-setup.ts).
        expect(safeReturnPath(step, "/", [portalPaths.signIn, portalPaths.twoFactor])).toBe(step);
        // As the step sends it: /sign-in?callbackUrl=<encoded>, read back by the sign-in page.
        const callbackUrl = new URL(`/sign-in?callbackUrl=${encodeURIComponent(step)}`, PORTAL).searchParams.get("callbackUrl");
        expect(safeReturnPath(callbackUrl)).toBe(step);
      }),
      RUNS,
    );
  });

  it("the gate sends an anonymous visitor of the app sign-in page nowhere: the page checks the session itself", () => {
    expect(decideGate({ pathname: "/app-sign-in/abc", search: "", hasSession: false, hasPendingSignIn: false, isApi: false })).toEqual({ action: "allow" });
  });
});
