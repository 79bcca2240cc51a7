import type { Metadata } from "next";
import { Card } from "@/components/ui";
import { NewPasswordForm } from "./new-password-form";

// The token is in the path: keep it out of Referer headers.
export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer" };

export default async function NewPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <Card title="Choose a new password">
      <NewPasswordForm token={token} />
    </Card>
  );
}
