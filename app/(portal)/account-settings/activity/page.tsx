import type { Metadata } from "next";
import Link from "next/link";
import { listActivity, parseActivityQuery } from "@/lib/activity";
import { AUDIT_EVENT_TYPES } from "@/lib/audit";
import { requireOrganizationAdmin } from "@/lib/auth/dal";
import { getDb } from "@/lib/db/client";
import { ERROR_MESSAGES } from "@/lib/errors";
import type { SearchParams } from "@/lib/http/query-params";

export const metadata: Metadata = { title: "Activity log" };

const label = (type: string) => type.replace(/[._]/g, " ");

export default async function ActivityPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const viewer = await requireOrganizationAdmin();
  // A filter or page that is not valid is shown as such and left out: the page still answers (200).
  const { query, problems } = parseActivityQuery(await searchParams);
  const { member, type, page } = query;
  const activity = await listActivity(await getDb(), { organizationId: viewer.organization.id, memberEmail: member || undefined, type, page });
  const href = (p: number) => {
    const query = new URLSearchParams({ ...(member ? { member } : {}), ...(type ? { type } : {}), ...(p > 1 ? { page: String(p) } : {}) }).toString();
    return `/account-settings/activity${query ? `?${query}` : ""}`;
  };
  return (
    <section aria-labelledby="activity-title" className="rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
      <p className="mb-2 text-sm">
        <Link href="/account-settings" className="underline">Account Settings</Link>
      </p>
      <h1 id="activity-title" className="mb-6 text-2xl font-semibold">Activity log</h1>
      {problems.map((code) => (
        <p key={code} role="alert" className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-amber-900">
          {ERROR_MESSAGES[code]}
        </p>
      ))}
      <form method="get" role="search" className="mb-6 flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="member" className="mb-1 block text-sm font-medium">Member email</label>
          <input id="member" name="member" type="email" maxLength={254} defaultValue={member} className="rounded-md border border-slate-300 px-3 py-1.5" />
        </div>
        <div>
          <label htmlFor="type" className="mb-1 block text-sm font-medium">Event</label>
          <select id="type" name="type" defaultValue={type ?? ""} className="rounded-md border border-slate-300 px-3 py-1.5">
            <option value="">All events</option>
            {AUDIT_EVENT_TYPES.map((t) => (
              <option key={t} value={t}>{label(t)}</option>
            ))}
          </select>
        </div>
        <button type="submit" className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-100">Filter</button>
      </form>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Activity, newest first</caption>
          <thead className="border-b border-slate-200 text-slate-600">
            <tr>
              <th scope="col" className="py-2 pr-3">Time (UTC)</th>
              <th scope="col" className="py-2 pr-3">Event</th>
              <th scope="col" className="py-2 pr-3">By</th>
              <th scope="col" className="py-2 pr-3">Member</th>
              <th scope="col" className="py-2 pr-3">IP</th>
              <th scope="col" className="py-2">Details</th>
            </tr>
          </thead>
          <tbody>
            {activity.rows.map((e) => (
              <tr key={e.id} className="border-b border-slate-100 align-top" data-testid="activity-row">
                <td className="py-2 pr-3 whitespace-nowrap">{e.createdAt.toISOString().slice(0, 19).replace("T", " ")}</td>
                <td className="py-2 pr-3">{label(e.type)}</td>
                <td className="py-2 pr-3">{e.actorEmail ?? "—"}</td>
                <td className="py-2 pr-3">{e.subjectEmail ?? "—"}</td>
                <td className="py-2 pr-3">{e.ip ?? "—"}</td>
                <td className="py-2 font-mono text-xs">{Object.keys(e.details).length ? JSON.stringify(e.details) : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {activity.rows.length === 0 ? <p className="py-4 text-slate-600">No events match.</p> : null}
      </div>
      <nav aria-label="Activity pages" className="mt-4 flex gap-4 text-sm">
        {activity.page > 1 ? <Link href={href(activity.page - 1)} className="underline">Newer</Link> : null}
        {activity.hasMore ? <Link href={href(activity.page + 1)} className="underline">Older</Link> : null}
      </nav>
    </section>
  );
}
