import fc from "fast-check";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Button, Challenge, EnrollmentProgress, SetupFlow, slotClass, TrustedDevices, type StepAction } from "@/lib/two-factor/react";

// A host restyles the plugin's components with Tailwind classes by slot: its class replaces the
// component's default it conflicts with, and every other default stays.

const classesOf = (value: string) => value.split(/\s+/).filter(Boolean);

/** Tailwind utility groups, each a set of classes of which one element keeps only one. */
const SHADES = [50, 100, 200, 300, 400, 500, 600, 700, 800, 900] as const;
const COLORS = ["slate", "red", "amber", "green", "blue", "emerald", "rose", "violet"] as const;
const SIZES = [0, 1, 2, 3, 4, 5, 6, 8, 10, 12] as const;
const GROUPS: { name: string; value: fc.Arbitrary<string> }[] = [
  { name: "background", value: fc.tuple(fc.constantFrom(...COLORS), fc.constantFrom(...SHADES)).map(([c, s]) => `bg-${c}-${s}`) },
  { name: "text color", value: fc.tuple(fc.constantFrom(...COLORS), fc.constantFrom(...SHADES)).map(([c, s]) => `text-${c}-${s}`) },
  { name: "padding-x", value: fc.constantFrom(...SIZES).map((n) => `px-${n}`) },
  { name: "padding-y", value: fc.constantFrom(...SIZES).map((n) => `py-${n}`) },
  { name: "margin-bottom", value: fc.constantFrom(...SIZES).map((n) => `mb-${n}`) },
  { name: "radius", value: fc.constantFrom("rounded", "rounded-md", "rounded-lg", "rounded-xl", "rounded-full") },
  { name: "font weight", value: fc.constantFrom("font-normal", "font-medium", "font-semibold", "font-bold") },
  { name: "font size", value: fc.constantFrom("text-xs", "text-sm", "text-base", "text-lg", "text-xl") },
];

/** Defaults with one class from each group, and a host's class from one of the groups. */
const defaultsAndOverride = fc
  .tuple(fc.tuple(...GROUPS.map((group) => group.value)), fc.nat({ max: GROUPS.length - 1 }))
  .chain(([defaults, index]) => GROUPS[index]!.value.map((override) => ({ defaults, index, override })));

describe("a host's classNames merged over a component's classes", () => {
  it("a host's class replaces the default of its own group and keeps every other default", () => {
    fc.assert(
      fc.property(defaultsAndOverride, ({ defaults, index, override }) => {
        const merged = classesOf(slotClass(defaults.join(" "), override));
        expect(merged).toContain(override);
        defaults.forEach((kept, group) => {
          if (group === index && kept !== override) expect(merged).not.toContain(kept);
          if (group !== index) expect(merged).toContain(kept);
        });
      }),
    );
  });

  it("without a host's class, a slot's classes are the component's own, unchanged", () => {
    fc.assert(
      fc.property(fc.tuple(...GROUPS.map((group) => group.value)), (defaults) => {
        expect(slotClass(defaults.join(" "), undefined)).toBe(defaults.join(" "));
        expect(slotClass(defaults.join(" "), "")).toBe(defaults.join(" "));
      }),
    );
  });

  it("a variant's class (hover:, aria-disabled:) is not replaced by a plain one", () => {
    const merged = classesOf(renderToStaticMarkup(createElement(Button, { className: "bg-emerald-600" }, "Go")).match(/class="([^"]*)"/)![1]!);
    expect(merged).toContain("bg-emerald-600");
    expect(merged).not.toContain("bg-blue-700");
    expect(merged).toEqual(expect.arrayContaining(["hover:bg-blue-800", "px-4", "py-2", "text-white", "aria-disabled:opacity-60"]));
  });
});

const noStep: StepAction = async () => ({});
const classOf = (html: string, marker: string) => {
  const tag = html.match(new RegExp(`<[^>]*${marker}[^>]*>`))?.[0] ?? "";
  return classesOf(tag.match(/class="([^"]*)"/)?.[1] ?? "");
};
const buttonClass = (html: string, label: string) => classesOf(html.match(new RegExp(`<button[^>]*class="([^"]*)"[^>]*>${label}</button>`))?.[1] ?? "");

describe("the components' slots", () => {
  it("the challenge's button, inputs and links take the host's classes", () => {
    const html = renderToStaticMarkup(
      createElement(Challenge, {
        phoneMasked: "+1 ••• ••• 0123",
        resendAt: null,
        codeSent: true,
        notice: null,
        lockedUntil: null,
        trustedFor: "30 days",
        verifySms: noStep,
        verifyBackup: noStep,
        resend: noStep,
        changePasswordHref: "/password-reset",
        classNames: { button: "bg-emerald-600", input: "border-violet-400", link: "text-violet-700" },
      }),
    );
    expect(buttonClass(html, "Verify")).toEqual(expect.arrayContaining(["bg-emerald-600", "px-4", "font-medium"]));
    expect(buttonClass(html, "Verify")).not.toContain("bg-blue-700");
    expect(classOf(html, 'name="code"')).toEqual(expect.arrayContaining(["border-violet-400", "rounded-md", "border"]));
    expect(classOf(html, 'name="code"')).not.toContain("border-slate-300");
    expect(classOf(html, 'href="/password-reset"')).toEqual(["underline", "text-violet-700"]);
  });

  it("the setup flow's root is its own: the dialog inside keeps its classes", () => {
    const html = renderToStaticMarkup(
      createElement(SetupFlow, { rule: "Start with +.", example: "+14155550123", send: noStep, verify: noStep, finish: noStep, classNames: { root: "max-w-lg", title: "text-2xl" } }),
    );
    expect(html.startsWith('<div class="max-w-lg">')).toBe(true);
    expect(classOf(html, "<dialog")).not.toContain("max-w-lg");
    expect(classOf(html, 'id="verify-phone-title"')).toEqual(["mb-2", "font-semibold", "text-2xl"]);
  });

  it("the enrollment progress bar's fill and track take the host's colours", () => {
    const html = renderToStaticMarkup(createElement(EnrollmentProgress, { enrolled: 1, total: 4, classNames: { bar: "bg-blue-600", root: "bg-slate-100" } }));
    expect(classOf(html, 'style="width:25%"')).toEqual(["h-full", "bg-blue-600"]);
    expect(classOf(html, 'role="progressbar"')).toEqual(["mb-6", "h-3", "w-full", "overflow-hidden", "rounded-full", "bg-slate-100"]);
    expect(html).toContain('aria-valuetext="1 of 4 members"');
  });

  it("each trusted device's Revoke button takes the host's secondary button classes and names its device", () => {
    const device = { id: "d1", name: "Firefox on macOS", current: true, lastUsedAt: "2030-01-02T03:04:05.000Z", expiresAt: "2030-02-01T03:04:05.000Z" };
    const html = renderToStaticMarkup(createElement(TrustedDevices, { devices: [device], revoke: noStep, classNames: { secondaryButton: "border-violet-400 px-3" } }));
    expect(html).toContain('aria-label="Revoke Firefox on macOS (this device)"');
    expect(buttonClass(html, "Revoke")).toEqual(["rounded", "border", "py-0.5", "text-xs", "hover:bg-slate-100", "border-violet-400", "px-3"]);
    expect(html).toContain("<td class=\"py-2 pr-3\">2030-01-02 03:04 UTC</td>");
  });
});
