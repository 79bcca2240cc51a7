import { notFound } from "next/navigation";
import { connection } from "next/server";
import { HomeSummary } from "@/components/portal/home-summary";
import { PortalShell } from "@/components/portal/portal-shell";
import { signOutAction } from "../../(portal)/actions";

const SAMPLE = {
  user: { id: "bench", email: "bench@example.com", name: "Bench Member", sessionsValidAfter: new Date(0), twoFactorEnrolled: true },
  organization: { id: "bench", name: "Bench Co", requireTwoFactor: true, twoFactorGraceUntil: null },
  role: "member" as const,
};

/**
 * Benchmark baseline only (BENCH_PAGES=1): the portal home's markup, dynamic, with a fixed member
 * and no session check, to measure what the server-side check costs. 404 otherwise.
 */
export default async function PlainPage() {
  await connection();
  if (process.env.BENCH_PAGES !== "1") notFound();
  return (
    <PortalShell showAccountSettings={false} graceUntil={null} signOut={signOutAction}>
      <HomeSummary viewer={SAMPLE} />
    </PortalShell>
  );
}
