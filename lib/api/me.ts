// GET /api/v1/me: who the app is signed in as, their organization and role, and how this token's
// sign-in was made (its amr) for which app.
import type { ApiDeps, ApiMember } from "../oauth-portal/api-caller";
import type { Role } from "../db/schema";
import { loadViewer } from "../users";

export interface ApiMe {
  id: string;
  email: string;
  name: string | null;
  organization: { id: string; name: string; role: Role | null } | null;
  /** How the token's sign-in was made (RFC 8176 values, e.g. ["pwd", "sms"]). */
  amr: string[];
  clientId: string;
}

/** The member's profile, or null when the account went away after the token was checked. */
export async function loadApiMe(member: ApiMember, deps: Pick<ApiDeps, "db">): Promise<ApiMe | null> {
  const viewer = await loadViewer(deps.db, member.userId);
  if (!viewer) return null;
  return {
    id: viewer.user.id,
    email: viewer.user.email,
    name: viewer.user.name,
    organization: viewer.organization ? { id: viewer.organization.id, name: viewer.organization.name, role: viewer.role } : null,
    amr: [...member.amr],
    clientId: member.clientId,
  };
}
