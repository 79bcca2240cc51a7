import { notFound } from "next/navigation";
import { connection } from "next/server";
import { PortalShell } from "@/components/portal/portal-shell";
import { signOutAction } from "../../(portal)/actions";

/**
 * Benchmark baseline only: a route in test builds alone (*.bench.tsx, see next.config.mjs), and
 * there a 404 without BENCH_PAGES=1. The portal's layout and home page, built the same way (a
 * layout and a page, both dynamic) for a fixed member with no session check, so that / against
 * this measures what the server-side check costs and nothing else.
 */
export default async function PlainLayout({ children }: { children: React.ReactNode }) {
  await connection();
  if (process.env.BENCH_PAGES !== "1") notFound();
  return (
    <PortalShell showAccountSettings={false} graceUntil={null} signOut={signOutAction}>
      {children}
    </PortalShell>
  );
}
