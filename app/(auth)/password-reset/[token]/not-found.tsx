import Link from "next/link";
import { Card } from "@/components/ui";

export default function ResetLinkNotFound() {
  return (
    <Card title="This link is not valid">
      <p className="mb-6 text-slate-600">
        This is not a change of password link we sent. Copy the whole link from the email, or submit a new change of password request.
      </p>
      <Link href="/password-reset" className="text-blue-700 underline">
        Submit a change of password request
      </Link>
    </Card>
  );
}
