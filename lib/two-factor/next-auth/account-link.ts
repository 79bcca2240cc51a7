import type { Account, Profile, User } from "next-auth";
import type { Adapter, AdapterAccount, AdapterUser } from "next-auth/adapters";
import type { FirstFactor } from "../sign-in-ticket";

/** Why a first factor names no user of the host: shown on the sign-in page, never which account exists. */
export type LinkRefusal = "EmailNotVerified" | "NoEmail" | "UnsupportedProvider";

export type LinkedUser = { ok: true; userId: string; email: string | null; created: boolean } | { ok: false; reason: LinkRefusal };

export interface LinkInput {
  user: User;
  account: Account;
  profile?: Profile;
  firstFactor: FirstFactor;
  now: Date;
  /** OAuth (not OpenID Connect) providers whose email addresses the host takes as verified. */
  trustedEmailProviders: readonly string[];
}

export interface LinkEvents {
  createUser?: (message: { user: User }) => unknown;
  linkAccount?: (message: { user: User; account: Account; profile: User | AdapterUser }) => unknown;
}

const normalized = (email: unknown) => (typeof email === "string" && email.trim() ? email.trim().toLowerCase() : null);

/** Whether the provider vouches for the address: OIDC's `email_verified` claim, or a provider the host trusts. */
function emailIsVerified(input: LinkInput): boolean {
  if (input.account.type === "oidc") return input.profile?.email_verified === true;
  return input.trustedEmailProviders.includes(input.account.provider);
}

/**
 * The host user a first factor proves, through next-auth's adapter, as next-auth itself would
 * after its `signIn` callback (which the plugin answers with a redirect, so next-auth does not):
 * an account already linked is its user; otherwise an account links to the user with its email
 * only when the provider says that email is verified, and a new user is made only from a
 * verified email. An email link proves its address.
 */
export async function linkedUserOf(adapter: Adapter, input: LinkInput, events: LinkEvents = {}): Promise<LinkedUser> {
  const { account } = input;
  if (account.type === "credentials") {
    return input.user.id ? { ok: true, userId: input.user.id, email: normalized(input.user.email), created: false } : { ok: false, reason: "NoEmail" };
  }
  if (account.type === "email") return userOfEmailLink(adapter, input, events);
  if (account.type !== "oidc" && account.type !== "oauth") return { ok: false, reason: "UnsupportedProvider" };

  const linked = await adapter.getUserByAccount?.({ provider: account.provider, providerAccountId: account.providerAccountId });
  if (linked) return { ok: true, userId: linked.id, email: linked.email, created: false };
  const email = normalized(input.profile?.email ?? input.user.email);
  if (!email) return { ok: false, reason: "NoEmail" };
  if (!emailIsVerified(input)) return { ok: false, reason: "EmailNotVerified" };
  const existing = await adapter.getUserByEmail?.(email);
  const user =
    existing ??
    (await adapter.createUser!({ id: crypto.randomUUID(), email, emailVerified: input.now, name: input.user.name ?? null, image: input.user.image ?? null }));
  if (!existing) await events.createUser?.({ user });
  const { userId: _fromProvider, ...tokens } = account;
  await adapter.linkAccount?.({ ...tokens, userId: user.id } as AdapterAccount);
  await events.linkAccount?.({ user, account, profile: user });
  return { ok: true, userId: user.id, email: user.email, created: !existing };
}

async function userOfEmailLink(adapter: Adapter, input: LinkInput, events: LinkEvents): Promise<LinkedUser> {
  const email = normalized(input.user.email);
  if (!email) return { ok: false, reason: "NoEmail" };
  const existing = await adapter.getUserByEmail?.(email);
  if (existing) {
    if (!existing.emailVerified) await adapter.updateUser?.({ id: existing.id, emailVerified: input.now });
    return { ok: true, userId: existing.id, email: existing.email, created: false };
  }
  const user = await adapter.createUser!({ id: crypto.randomUUID(), email, emailVerified: input.now, name: null, image: null });
  await events.createUser?.({ user });
  return { ok: true, userId: user.id, email: user.email, created: true };
}
