import Link from "next/link";
import { HomeSummary } from "@/components/portal/home-summary";
import { requireViewer } from "@/lib/auth/dal";
import { secureMethodNoticeUntil } from "@/lib/users";

export default async function HomePage() {
  const viewer = await requireViewer();
  // Issue 18: during the grace of "secure methods only", a member with SMS alone is told in time.
  const secureBy = secureMethodNoticeUntil(viewer, new Date());
  return (
    <>
      {secureBy ? (
        <p role="status" className="mb-6 rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900">
          Your organization will accept only an authenticator app or a passkey for two-step verification from{" "}
          {secureBy.toUTCString().slice(0, 16)}: text message codes will stop working then.{" "}
          <Link href="/security" className="font-medium underline">
            Add an authenticator app
          </Link>
        </p>
      ) : null}
      <HomeSummary viewer={viewer} />
    </>
  );
}
