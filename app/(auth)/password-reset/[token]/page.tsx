import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Card } from "@/components/ui";
import { isResetTokenShape } from "@/lib/auth/password-reset";
import { NewPasswordForm } from "./new-password-form";

// The token is in the path: keep it out of Referer headers.
export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer" };

export default async function NewPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  // A token of another shape was never issued: 404 with this segment's not-found page.
  if (!isResetTokenShape(token)) notFound();
  return (
    <Card title="Choose a new password">
      <NewPasswordForm token={token} />
    </Card>
  );
}
