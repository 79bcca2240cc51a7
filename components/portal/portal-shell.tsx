import Link from "next/link";
import { GraceBanner } from "@/components/grace-banner";

/** The portal's header, navigation and main area; the layout decides who may see it. */
export function PortalShell(props: { showAccountSettings: boolean; graceUntil: Date | null; signOut: () => Promise<void>; children: React.ReactNode }) {
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
            {props.showAccountSettings ? (
              <Link href="/account-settings" className="hover:underline">
                Account Settings
              </Link>
            ) : null}
            <form action={props.signOut}>
              <button type="submit" className="rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100">
                Sign out
              </button>
            </form>
          </nav>
        </div>
      </header>
      {props.graceUntil ? <GraceBanner until={props.graceUntil.toISOString()} /> : null}
      <main className="mx-auto max-w-4xl px-4 py-8">{props.children}</main>
    </div>
  );
}
