import { HomeSummary } from "@/components/portal/home-summary";
import { requireViewer } from "@/lib/auth/dal";

export default async function HomePage() {
  return <HomeSummary viewer={await requireViewer()} />;
}
