import type { Metadata } from "next";
import { requireOrganizationAdmin } from "@/lib/auth/dal";
import { SettingsForm } from "./settings-form";

export const metadata: Metadata = { title: "Account Settings" };

export default async function AccountSettingsPage() {
  const viewer = await requireOrganizationAdmin();
  return (
    <section aria-labelledby="settings-title" className="rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
      <h1 id="settings-title" className="mb-2 text-2xl font-semibold">
        Account Settings
      </h1>
      <p className="mb-6 text-slate-600">{viewer.organization.name}</p>
      <SettingsForm requireTwoFactor={viewer.organization.requireTwoFactor} />
    </section>
  );
}
