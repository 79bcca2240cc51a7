import type { z } from "zod";
import { ERROR_MESSAGES } from "../../errors";
import type { RequestInfo } from "../../http/client-ip";
import type { ActionState } from "../action-state";
import type { CookieInstruction } from "../cookies";
import type { TwoFactorFlowDeps } from "../flow";
import type { GetSession, SessionCookies } from "../session";
import { validateForm } from "./form";

/**
 * One posting step of the flow, framework-free: the route handler (lib/two-factor/handler.ts) and
 * a host's server actions run the same step and apply its answer, so each step's logic is in one place.
 */
export interface StepAnswer {
  /** The form's answer, in its words (the JSON body; a server action's return value). */
  state: ActionState;
  /** Cookies to set or clear, applied by the edge whatever the status. */
  cookies: CookieInstruction[];
  /** Where the browser goes next (also in `state.redirectTo`), or null to stay on the form. */
  redirectTo: string | null;
  /** The HTTP status the route handler answers with. */
  status: number;
}

/** What a step asks of the host beyond the core's deps. */
export interface StepHost {
  /** Who is signed in (the session's sign-in complete), or null. */
  getSession: GetSession;
  /** "Confirm it's you": whether the signed-in user's password is right. Without it the confirmation asks for the second factor only. */
  checkPassword?: (input: { userId: string; password: string; request: RequestInfo }) => Promise<boolean>;
}

export interface StepInput {
  deps: TwoFactorFlowDeps;
  /** The submitted form, not yet parsed: the step parses it. */
  form: FormData;
  cookies: SessionCookies;
  request: RequestInfo;
  host: StepHost;
}

export type Step = (input: StepInput) => Promise<StepAnswer>;

export function answer(state: ActionState, options: { cookies?: CookieInstruction[]; redirectTo?: string | null; status?: number } = {}): StepAnswer {
  const redirectTo = options.redirectTo ?? null;
  return { state: redirectTo ? { ...state, redirectTo } : state, cookies: options.cookies ?? [], redirectTo, status: options.status ?? 200 };
}

/** Who a step acts for: the guard's value, or the answer that refuses the step. */
export type Who<W> = (input: StepInput) => Promise<{ ok: true; who: W } | { ok: false; answer: StepAnswer }>;

/** Anyone: steps that only end something (cancel) or check who asks themselves. */
export const anyone: Who<null> = async () => ({ ok: true, who: null });

/**
 * A step that takes a form: parsed first (bad input answers 400 with the field messages and
 * changes nothing), then `who` decides whether the step runs and for whom.
 */
export function formStep<S extends z.ZodType, W>(spec: {
  schema: S | ((host: StepHost) => S);
  /** Non-secret fields echoed back in `state.values`. */
  echo?: readonly string[];
  who: Who<W>;
  run: (input: StepInput & { data: z.infer<S>; who: W }) => Promise<StepAnswer>;
}): Step {
  return async (input) => {
    const schema = typeof spec.schema === "function" ? spec.schema(input.host) : spec.schema;
    const form = validateForm(schema, input.form, spec.echo);
    if (!form.ok) return answer(form.state, { status: 400 });
    const allowed = await spec.who(input);
    if (!allowed.ok) return allowed.answer;
    const done = await spec.run({ ...input, data: form.data, who: allowed.who });
    return spec.echo?.length ? { ...done, state: { values: form.values, ...done.state } } : done;
  };
}

/** A signed-in step without a session: 401, nothing changed. */
export const UNAUTHENTICATED_ANSWER = (): StepAnswer => answer({ ok: false, error: ERROR_MESSAGES.UNAUTHENTICATED }, { status: 401 });
