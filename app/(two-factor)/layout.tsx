import { AuthShell } from "@/components/auth-shell";

export default function TwoFactorLayout({ children }: { children: React.ReactNode }) {
  return <AuthShell>{children}</AuthShell>;
}
