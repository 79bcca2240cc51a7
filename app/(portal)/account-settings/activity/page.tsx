import type { Metadata } from "next";
import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import { parseActivityQuery } from "@/lib/activity";
import { ACTIVITY_EVENT_NAMES, activitySentence } from "@/lib/activity-sentence";
import { AUDIT_EVENT_TYPES } from "@/lib/audit";
import { requireOrganizationAdmin } from "@/lib/auth/dal";
import { ERROR_MESSAGES } from "@/lib/errors";
import type { SearchParams } from "@/lib/http/query-params";
import { loadActivityLog } from "@/lib/queries/activity-log";

export const metadata: Metadata = { title: "Activity log" };

export default async function ActivityPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const viewer = await requireOrganizationAdmin();
  // A filter or page that is not valid is shown as such and left out: the page still answers (200).
  const { query, problems } = parseActivityQuery(await searchParams);
  const { member, type } = query;
  const activity = await loadActivityLog(viewer.organization.id, query);
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
              <option key={t} value={t}>{ACTIVITY_EVENT_NAMES[t]}</option>
            ))}
          </select>
        </div>
        <button type="submit" className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-100">Filter</button>
      </form>
      <ol aria-label="Activity, newest first" className="divide-y divide-slate-100 border-y border-slate-200 text-sm">
        {activity.rows.map((e) => (
          <li key={e.id} className="py-2" data-testid="activity-row">
            <span className="block text-slate-600">
              <LocalTime iso={e.createdAt.toISOString()} />
            </span>
            {activitySentence({
              type: e.type,
              actor: e.actorEmail ? { name: e.actorName, email: e.actorEmail } : null,
              subject: e.subjectEmail ? { name: e.subjectName, email: e.subjectEmail } : null,
              ip: e.ip,
              userAgent: e.userAgent,
              details: e.details,
            })}
          </li>
        ))}
      </ol>
      {activity.rows.length === 0 ? <p className="py-4 text-slate-600">No events match.</p> : null}
      <nav aria-label="Activity pages" className="mt-4 flex gap-4 text-sm">
        {activity.page > 1 ? <Link href={href(activity.page - 1)} className="underline">Newer</Link> : null}
        {activity.hasMore ? <Link href={href(activity.page + 1)} className="underline">Older</Link> : null}
      </nav>
    </section>
  );
}
