import type { Viewer } from "@/lib/users";

const ROLE_NAMES = { owner: "Owner", admin: "Admin", member: "Member" } as const;

/** The portal home: who is signed in and their organization. */
export function HomeSummary({ viewer }: { viewer: Pick<Viewer, "user" | "organization" | "role"> }) {
  return (
    <section aria-labelledby="welcome" className="rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
      <h1 id="welcome" className="mb-4 text-2xl font-semibold">
        Welcome{viewer.user.name ? `, ${viewer.user.name}` : ""}
      </h1>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2">
        <dt className="font-medium text-slate-600">Signed in as</dt>
        <dd data-testid="signed-in-email">{viewer.user.email}</dd>
        <dt className="font-medium text-slate-600">Organization</dt>
        <dd data-testid="organization-name">{viewer.organization?.name ?? "None"}</dd>
        <dt className="font-medium text-slate-600">Role</dt>
        <dd>{viewer.role ? ROLE_NAMES[viewer.role] : "None"}</dd>
      </dl>
    </section>
  );
}
