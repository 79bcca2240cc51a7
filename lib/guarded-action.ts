import type { z } from "zod";
import { validatedAction, type ActionContext, type ActionState } from "./action";
import { getViewer } from "./auth/dal";
import type { SessionViewer } from "./auth/live-session";
import { requireRecentSecondFactor } from "./auth/recent-second-factor";
import { ERROR_MESSAGES } from "./errors";
import { twoFactorSessionOf } from "./auth/two-factor-session";
import { organizationAdminOf } from "./two-factor";
import type { Viewer } from "./users";

/** An organization's owner or admin, as `organizationAdminAction` hands them on. */
export type AdminViewer = SessionViewer & { organization: NonNullable<Viewer["organization"]>; role: NonNullable<Viewer["role"]> };

/** A guarded action's body: the parsed data, the request, and who is asking. */
export type GuardedAct<S extends z.ZodType, V> = (data: z.infer<S>, context: ActionContext & { viewer: V }) => Promise<ActionState>;

/**
 * A server action for a signed-in member (the session the server-side check accepts, so the
 * second factor done): `validatedAction`'s checks first, then the session; without one, the
 * form says so and nothing changes.
 */
export function signedInAction<S extends z.ZodType>(schema: S, act: GuardedAct<S, SessionViewer>, options: { echo?: string[] } = {}) {
  return validatedAction(
    schema,
    async (data, context) => {
      const viewer = await getViewer();
      if (!viewer) return { ok: false, error: ERROR_MESSAGES.UNAUTHENTICATED };
      return act(data, { ...context, viewer });
    },
    options,
  );
}

/** A server action for the owner and admins of the viewer's organization (the plugin's check); anyone else is refused in the form. */
export function organizationAdminAction<S extends z.ZodType>(schema: S, act: GuardedAct<S, AdminViewer>, options: { echo?: string[] } = {}) {
  return signedInAction(
    schema,
    async (data, context) => {
      const { viewer } = context;
      if (!viewer.organization || !organizationAdminOf(twoFactorSessionOf(viewer)).ok) return { ok: false, error: ERROR_MESSAGES.FORBIDDEN };
      return act(data, { ...context, viewer: viewer as AdminViewer });
    },
    options,
  );
}

/**
 * For a sensitive step, inside either wrapper above: without a second factor within the last 10
 * minutes, off to "Confirm it's you" and back to `resumeTo(data)`, the step changing nothing.
 */
export function withRecentSecondFactor<S extends z.ZodType, V extends SessionViewer>(
  resumeTo: (data: z.infer<S>) => string,
  act: GuardedAct<S, V>,
): GuardedAct<S, V> {
  return async (data, context) => {
    await requireRecentSecondFactor(context.viewer, resumeTo(data));
    return act(data, context);
  };
}
