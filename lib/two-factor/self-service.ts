import { recordTwoFactorEvent } from "./audit";
import { failure, type Failure } from "../errors";
import type { RequestInfo } from "../http/client-ip";
import { replaceBackupCodes } from "./backup-codes";
import type { TwoFactorDeps } from "./options";
import { loadSecondFactorState } from "./policy";
import { removeUserSecondFactor } from "./second-factor-removal";
import { revokeTrustedDevice } from "./trusted-devices";

type Input = { userId: string; request: RequestInfo };

/** A new set of backup codes; the old set stops working in the same transaction. */
export function regenerateBackupCodes(deps: TwoFactorDeps, input: Input): Promise<{ ok: true; codes: string[] } | Failure<"NOT_ENROLLED">> {
  return deps.db.transaction(async (db) => {
    const now = deps.clock.now();
    const state = await loadSecondFactorState({ db, host: deps.host }, input.userId, now);
    if (!state?.enrolled) return failure("NOT_ENROLLED");
    const codes = await replaceBackupCodes(db, input.userId, deps.options.backupCodeCount, now);
    await recordTwoFactorEvent(db, {
      type: "two_factor.backup_codes_regenerated",
      organizationId: state.organizationId,
      actorUserId: input.userId,
      subjectUserId: input.userId,
      request: input.request,
      at: now,
    });
    return { ok: true as const, codes };
  });
}

/** Turns two-step authentication off for one's own account, only where the organization does not require it. */
export function turnOffTwoFactor(deps: TwoFactorDeps, input: Input): Promise<{ ok: true } | Failure<"REQUIRED_BY_ORGANIZATION">> {
  return deps.db.transaction(async (db) => {
    const now = deps.clock.now();
    const state = await loadSecondFactorState({ db, host: deps.host }, input.userId, now);
    if (state?.requiredByOrganization) return failure("REQUIRED_BY_ORGANIZATION");
    await removeUserSecondFactor({ db, host: deps.host }, input.userId, { by: "self", organizationId: state?.organizationId ?? null, request: input.request, now });
    return { ok: true as const };
  });
}

export async function revokeOwnTrustedDevice(deps: TwoFactorDeps, input: Input & { deviceId: string }): Promise<boolean> {
  const now = deps.clock.now();
  const revoked = await revokeTrustedDevice(deps.db, input.userId, input.deviceId, now);
  if (revoked) {
    const state = await loadSecondFactorState(deps, input.userId, now);
    await recordTwoFactorEvent(deps.db, {
      type: "two_factor.trusted_device_revoked",
      organizationId: state?.organizationId ?? null,
      actorUserId: input.userId,
      subjectUserId: input.userId,
      request: input.request,
      at: now,
    });
  }
  return revoked;
}
