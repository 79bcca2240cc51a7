import Link from "next/link";
import { MEMBER_SEARCH_MAX_LENGTH, type MemberMethods, type MemberRow } from "@/lib/members";
import { mayActOn } from "@/lib/two-factor";

type Role = MemberRow["role"];
import { MemberRowActions, type MemberIntent } from "./member-row-actions";

const STATUS = {
  not_set_up: "Not set up",
  set_up: "Set up",
  self_enabled: "Turned on by the member",
} as const;
const ROLE = { owner: "Owner", admin: "Admin", member: "Member" } as const;

/** "SMS", "Authenticator app", "Passkeys (2)", "Backup codes (9 left)": what the member can verify with, or "None". */
function methodNames(methods: MemberMethods): string[] {
  const names: string[] = [];
  if (methods.sms) names.push("SMS");
  if (methods.authenticatorApp) names.push("Authenticator app");
  if (methods.passkeys > 0) names.push(methods.passkeys === 1 ? "Passkey" : `Passkeys (${methods.passkeys})`);
  if (methods.backupCodesLeft !== null) names.push(`Backup codes (${methods.backupCodesLeft === 0 ? "none" : methods.backupCodesLeft} left)`);
  return names;
}

function Methods({ methods }: { methods: MemberMethods }) {
  const names = methodNames(methods);
  if (names.length === 0) return <>None</>;
  return (
    <ul>
      {names.map((name) => (
        <li key={name}>{name}</li>
      ))}
    </ul>
  );
}

function pageHref(search: string, cursor?: { after?: string; before?: string }) {
  const params = new URLSearchParams();
  if (search) params.set("q", search);
  if (cursor?.after) params.set("after", cursor.after);
  if (cursor?.before) params.set("before", cursor.before);
  const query = params.toString();
  return `/account-settings${query ? `?${query}` : ""}`;
}

export function MembersTable({
  members,
  search,
  page,
  viewerRole,
  resume,
  secureOnly = false,
}: {
  members: { rows: MemberRow[]; total: number; nextCursor: string | null; prevCursor: string | null };
  search: string;
  /** The page shown (its cursor): an action sent to "Confirm it's you" comes back to it. */
  page?: { after?: string; before?: string };
  /** Only rows the viewer may act on offer "Reset 2FA" and "Revoke devices" (an admin may not act on the owner or an admin). */
  viewerRole: Role;
  /** Back from "Confirm it's you": the action asked for on one member, shown ready to confirm. */
  resume?: { intent: MemberIntent; userId: string } | null;
  /** The organization accepts secure methods only: a column says who is compliant. */
  secureOnly?: boolean;
}) {
  const returnTo = pageHref(search, page);
  return (
    <div>
      <form method="get" action="/account-settings" role="search" className="mb-4 flex flex-wrap items-end gap-2">
        <div>
          <label htmlFor="member-search" className="mb-1 block text-sm font-medium">
            Search members by name or email
          </label>
          <input id="member-search" name="q" type="search" maxLength={MEMBER_SEARCH_MAX_LENGTH} defaultValue={search} className="rounded-md border border-slate-300 px-3 py-1.5" />
        </div>
        <button type="submit" className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-100">
          Search
        </button>
      </form>
      <div role="region" aria-labelledby="members-caption" tabIndex={0} className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption id="members-caption" className="sr-only">Members and their two-step authentication</caption>
          <thead className="border-b border-slate-200 text-slate-600">
            <tr>
              <th scope="col" className="py-2 pr-3">Name</th>
              <th scope="col" className="py-2 pr-3">Email</th>
              <th scope="col" className="py-2 pr-3">Role</th>
              <th scope="col" className="py-2 pr-3">Two-step authentication</th>
              <th scope="col" className="py-2 pr-3">Methods</th>
              {secureOnly ? <th scope="col" className="py-2 pr-3">Secure methods only</th> : null}
              <th scope="col" className="py-2 pr-3">Last 2FA sign-in</th>
              <th scope="col" className="py-2 pr-3">Trusted devices</th>
              <th scope="col" className="py-2">Actions</th>
            </tr>
          </thead>
          <tbody>
            {members.rows.map((m) => (
              <tr key={m.userId} className="border-b border-slate-100 align-top" data-testid="member-row">
                <td className="py-2 pr-3">{m.name ?? "—"}</td>
                <td className="py-2 pr-3">{m.email}</td>
                <td className="py-2 pr-3">{ROLE[m.role]}</td>
                <td className="py-2 pr-3">
                  {STATUS[m.status]}
                  {m.phoneMasked ? <span className="block text-slate-600">{m.phoneMasked}</span> : null}
                </td>
                <td className="py-2 pr-3" data-testid="member-methods">
                  <Methods methods={m.methods} />
                </td>
                {secureOnly ? (
                  <td className="py-2 pr-3" data-testid="member-compliance">
                    {m.secureMethod ? "Compliant" : <span className="font-medium text-amber-800">Needs a secure method</span>}
                  </td>
                ) : null}
                <td className="py-2 pr-3">{m.lastSecondFactorAt ? m.lastSecondFactorAt.toISOString().slice(0, 16).replace("T", " ") + " UTC" : "Never"}</td>
                <td className="py-2 pr-3">{m.trustedDevices}</td>
                <td className="py-2">
                  {mayActOn(viewerRole, m.role) ? (
                  <MemberRowActions
                    userId={m.userId}
                    email={m.email}
                    returnTo={returnTo}
                    resume={resume?.userId === m.userId ? resume.intent : undefined}
                    setUp={m.status !== "not_set_up"}
                    trustedDevices={m.trustedDevices}
                  />
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {members.rows.length === 0 ? <p className="py-4 text-slate-600">No members match “{search}”.</p> : null}
      </div>
      <nav aria-label="Members pages" className="mt-4 flex items-center gap-4 text-sm">
        {members.prevCursor ? <Link href={pageHref(search, { before: members.prevCursor })} className="underline">Previous page</Link> : null}
        <span>
          {members.rows.length} shown of {members.total} member{members.total === 1 ? "" : "s"}
          {search ? ` matching “${search}”` : ""}
        </span>
        {members.nextCursor ? <Link href={pageHref(search, { after: members.nextCursor })} className="underline">Next page</Link> : null}
      </nav>
    </div>
  );
}
