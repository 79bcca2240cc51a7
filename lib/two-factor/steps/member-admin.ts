import { z } from "zod";
import { notifyMemberOf } from "../notices";
import { safeReturnPath } from "../../return-path";
import { runAfterAnswer } from "../flow";
import { resetMemberTwoFactor, revokeMemberTrustedDevices } from "../member-admin";
import type { AdminSession } from "../session";
import { organizationAdmin } from "./guards";
import { refusedWithoutRecentSecondFactor } from "./recent";
import { answer, formStep, type StepInput } from "./step";

// An owner or admin acts on a member of their organization: always with a recent second factor.

const memberForm = z.object({ userId: z.string().min(1).max(64), returnTo: z.string().max(2048).optional() });
type MemberForm = z.infer<typeof memberForm>;

const REFUSED = {
  NOT_FOUND: "That member is not in your organization.",
  FORBIDDEN: "Only the owner can do this for the owner or an admin.",
} as const;

/** After "Confirm it's you": back to the same page (under the admin page), this member's step open. */
function backToMember(input: StepInput, data: MemberForm, resume: "reset" | "revoke"): string {
  const adminPath = input.deps.options.adminPath;
  const url = new URL(safeReturnPath(data.returnTo, adminPath), "https://resume.invalid");
  url.searchParams.set("resume", resume);
  url.searchParams.set("member", data.userId);
  return `${url.pathname}${url.search}`;
}

// The actor's role is asked again in the step's transaction (the host's roleIn).
const actorOf = (session: AdminSession) => ({ userId: session.userId, organizationId: session.organizationId });

/** members/reset: `userId`, `returnTo`; the member's two-step authentication is reset and their sessions end. */
export const resetMemberStep = formStep({
  schema: memberForm,
  who: organizationAdmin,
  async run(input) {
    const { deps, data, who } = input;
    const refused = await refusedWithoutRecentSecondFactor(input, who, backToMember(input, data, "reset"));
    if (refused) return refused;
    const done = await resetMemberTwoFactor(deps, { actor: actorOf(who), targetUserId: data.userId, request: input.request, now: deps.clock.now() });
    if (!done.ok) return answer({ ok: false, error: REFUSED[done.code] });
    await runAfterAnswer(deps, async () => void (await notifyMemberOf(deps.email, done.email, { kind: "two_factor_reset" }, deps.options.appName)));
    return answer({ ok: true, message: `Two-step authentication of ${done.email} was reset. Their sessions ended.` });
  },
});

/** members/revoke-devices: `userId`, `returnTo`; every trusted device of the member ends. */
export const revokeMemberDevicesStep = formStep({
  schema: memberForm,
  who: organizationAdmin,
  async run(input) {
    const { deps, data, who } = input;
    const refused = await refusedWithoutRecentSecondFactor(input, who, backToMember(input, data, "revoke"));
    if (refused) return refused;
    const done = await revokeMemberTrustedDevices(deps, { actor: actorOf(who), targetUserId: data.userId, request: input.request, now: deps.clock.now() });
    if (!done.ok) return answer({ ok: false, error: REFUSED[done.code] });
    await runAfterAnswer(deps, async () => void (await notifyMemberOf(deps.email, done.email, { kind: "trusted_devices_revoked" }, deps.options.appName)));
    return answer({ ok: true, message: `${done.revoked} trusted device${done.revoked === 1 ? "" : "s"} of ${done.email} revoked.` });
  },
});
