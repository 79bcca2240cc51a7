import Link from "next/link";
import { GraceBanner } from "@/components/grace-banner";
import { requireViewer } from "@/lib/auth/dal";
import { getDb } from "@/lib/db/client";
import { loadSecondFactorState } from "@/lib/two-factor/policy";
import { isOrganizationAdmin } from "@/lib/users";
import { signOutAction } from "./actions";

export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const viewer = await requireViewer();
  const twoFactor = viewer.organization?.requireTwoFactor ? await loadSecondFactorState(await getDb(), viewer.user.id) : null;
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-4xl items-center justify-between gap-4 px-4 py-3">
          <Link href="/" className="text-lg font-semibold text-blue-800">
            Connect
          </Link>
          <nav aria-label="Main" className="flex items-center gap-4 text-sm">
            <Link href="/" className="hover:underline">
              Home
            </Link>
            <Link href="/security" className="hover:underline">
              Security
            </Link>
            {isOrganizationAdmin(viewer.role) ? (
              <Link href="/account-settings" className="hover:underline">
                Account Settings
              </Link>
            ) : null}
            <form action={signOutAction}>
              <button type="submit" className="rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100">
                Sign out
              </button>
            </form>
          </nav>
        </div>
      </header>
      {twoFactor?.inGracePeriod && twoFactor.graceUntil ? <GraceBanner until={twoFactor.graceUntil.toISOString()} /> : null}
      <main className="mx-auto max-w-4xl px-4 py-8">{children}</main>
    </div>
  );
}
