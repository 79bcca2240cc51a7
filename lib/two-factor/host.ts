import type { TwoFactorDb } from "./db";

/** A member's role in their organization, as the host keeps it. */
export type OrganizationRole = "owner" | "admin" | "member";

/** What the host's organization asks of one user's second factor. */
export interface OrganizationPolicy {
  /** The user's organization; null when they belong to none (nothing then requires 2FA of them). */
  organizationId: string | null;
  /** The organization requires two-step authentication of all its members. */
  requireTwoFactor: boolean;
  /**
   * While required: members without a second factor may skip setting it up until this time; null
   * means required at each member's next sign-in (and always null when not required or in none).
   */
  graceUntil: Date | null;
  /**
   * Which second factors the organization accepts: "any", or "secure" (an authenticator app or a
   * passkey; an SMS code is refused).
   * @default "any"
   */
  allowedMethods?: AllowedMethods;
  /**
   * While "secure": members with only SMS may go on signing in with it until this time; null (or
   * absent) means they are held at their next sign-in until they add a secure method.
   * @default null
   */
  secureMethodsGraceUntil?: Date | null;
}

/** The methods an organization accepts as a second factor. */
export type AllowedMethods = "any" | "secure";

/** The policy of a user in no organization: only their own choice turns 2FA on. */
export const NO_ORGANIZATION: OrganizationPolicy = { organizationId: null, requireTwoFactor: false, graceUntil: null, allowedMethods: "any", secureMethodsGraceUntil: null };

/**
 * What only the host knows, asked by the core's steps: its organizations, their members' roles and
 * its sessions. The plugin keeps no table of its own for any of them. Each answer is given the
 * database object the step runs on (`db`, a transaction when the step is one): a host whose tables
 * are in the same database answers on it, so its reads and writes are part of the step's
 * transaction (and, on PGlite, on its one connection); a host keeping them elsewhere may ignore it.
 */
export interface TwoFactorHost {
  /**
   * The organization policy that applies to the user: which organization, whether it requires 2FA
   * and its grace period. Read at every password sign-in (keep it one indexed read), so a change
   * an admin makes reaches members at their next sign-in.
   */
  organizationPolicy(db: TwoFactorDb, userId: string): Promise<OrganizationPolicy>;
  /**
   * The user's role in this organization, or null when they are not one of its members. The
   * member administration steps (an admin's reset, a revoke of trusted devices) authorize with it,
   * inside their transaction: admins act on members, only the owner on admins and the owner.
   */
  roleIn(db: TwoFactorDb, member: { userId: string; organizationId: string }): Promise<OrganizationRole | null>;
  /**
   * Ends every session of the user begun before `before` (an admin's reset of their second
   * factor). Called inside the reset's transaction, on `db`: a host that writes this on the same
   * database commits it with the reset, or not at all.
   */
  endSessions(db: TwoFactorDb, session: { userId: string; before: Date }): Promise<void>;
}
