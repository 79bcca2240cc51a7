"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import type { ActionState } from "@/lib/action";
import { requestHost, writeConfirmation } from "@/lib/auth/cookies";
import { checkPassword } from "@/lib/auth/password-sign-in";
import { safeReturnPath } from "@/lib/return-path";
import { ERROR_MESSAGES } from "@/lib/errors";
import { signedInAction } from "@/lib/guarded-action";
import { twoFactorDeps } from "@/lib/server";
import { confirmSecondFactorAndNotify, sendConfirmationCode, messageContext, twoFactorMessage } from "@/lib/two-factor";

export const sendConfirmCodeAction = signedInAction(z.object({}), async (_data, { request, formData, viewer }): Promise<ActionState> => {
  const deps = await twoFactorDeps(await requestHost());
  const sent = await sendConfirmationCode(deps, { userId: viewer.user.id, authTime: viewer.authTime, request });
  if (!sent.ok && sent.code === "LOCKED") return lockedState(sent, twoFactorMessage(sent, messageContext("confirm", deps.clock.now(), formData)));
  if (!sent.ok) return { ok: false, error: sent.code === "NOT_ENROLLED" ? NOT_ENROLLED : twoFactorMessage(sent, messageContext("confirm", deps.clock.now(), formData)) };
  return { ok: true, message: `We texted a code to ${sent.phoneMasked}.`, resendAt: sent.resendAt.toISOString() };
});

/** The lock is said for the whole page, with when it lifts: the forms stay disabled until then. */
const lockedState = (locked: { lockedUntil: Date }, error: string): ActionState => ({ ok: false, error, lockedUntil: locked.lockedUntil.toISOString() });

const NOT_ENROLLED = "Set up two-step authentication on your Security page first.";

export const confirmAction = signedInAction(
  z.object({
    password: z.string().min(1, "Enter your password.").max(256),
    method: z.enum(["sms", "backup"]),
    code: z.string().trim().min(1, "Enter the code.").max(64),
    next: z.string().max(2048).optional(),
  }),
  async (data, { request, formData, viewer }): Promise<ActionState> => {
    const deps = await twoFactorDeps(await requestHost());
    const password = await checkPassword(deps, { email: viewer.user.email, password: data.password, request });
    if (!password.ok) return { ok: false, fieldErrors: { password: ERROR_MESSAGES.INVALID_CREDENTIALS.replace("email or ", "") } };
    const confirmed = await confirmSecondFactorAndNotify(deps, {
      userId: viewer.user.id,
      authTime: viewer.authTime,
      method: data.method,
      code: data.code,
      request,
    });
    if (!confirmed.ok && confirmed.code === "LOCKED") return lockedState(confirmed, twoFactorMessage(confirmed, messageContext("confirm", deps.clock.now(), formData)));
    if (!confirmed.ok) {
      return { ok: false, fieldErrors: { code: confirmed.code === "NOT_ENROLLED" ? NOT_ENROLLED : twoFactorMessage(confirmed, messageContext("confirm", deps.clock.now(), formData)) } };
    }
    await writeConfirmation(viewer.user.id, viewer.authTime, deps.clock.now().getTime());
    redirect(safeReturnPath(data.next));
  },
);
