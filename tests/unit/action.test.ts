import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { validatedAction, validateForm } from "@/lib/action";
import { ERROR_MESSAGES } from "@/lib/errors";

// A server action's arguments are decoded from whatever the request carried: a posted action can
// receive a string, a number or nothing where its code expects form data.

const NOT_FORMS = [undefined, null, "method=sms", 1e300, {}, [], { get: "x" }, new Map([["code", "123456"]]), new URLSearchParams("code=123456")];

describe("validateForm and validatedAction", () => {
  it("arguments that are not form data answer the form's message (INVALID_INPUT) and never reach the action", async () => {
    const act = vi.fn();
    const action = validatedAction(z.object({ code: z.string() }), act);
    for (const junk of NOT_FORMS) {
      expect(validateForm(z.object({}), junk as unknown as FormData)).toEqual({ ok: false, state: { ok: false, error: ERROR_MESSAGES.INVALID_INPUT } });
      expect(await action({}, junk as unknown as FormData), String(junk)).toEqual({ ok: false, error: ERROR_MESSAGES.INVALID_INPUT });
    }
    expect(act).not.toHaveBeenCalled();
  });

  it("form data is still parsed field by field", () => {
    const form = new FormData();
    form.set("code", "123456");
    expect(validateForm(z.object({ code: z.string() }), form)).toMatchObject({ ok: true, data: { code: "123456" } });
  });
});
