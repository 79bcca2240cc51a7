import { PortalShell } from "@/components/portal/portal-shell";
import { requireViewer } from "@/lib/auth/dal";
import { graceBannerUntil, isOrganizationAdmin } from "@/lib/users";
import { signOutAction } from "./actions";

export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const viewer = await requireViewer();
  return (
    <PortalShell showAccountSettings={isOrganizationAdmin(viewer.role)} graceUntil={graceBannerUntil(viewer, new Date())} signOut={signOutAction}>
      {children}
    </PortalShell>
  );
}
