import type { Metadata } from "next";
import Link from "next/link";
import { requireOrganizationAdmin } from "@/lib/auth/dal";
import { readResume } from "@/lib/auth/resume";
import { ERROR_MESSAGES } from "@/lib/errors";
import type { SearchParams } from "@/lib/http/query-params";
import { parseMembersQuery } from "@/lib/members";
import { loadAccountSettings } from "@/lib/queries/account-settings";
import { EnrollmentProgress } from "@/lib/two-factor/react";
import type { MemberIntent } from "./member-row-actions";
import { MembersTable } from "./members-table";
import { SettingsForm, type ResumedRequirement } from "./settings-form";
import { AllowedMethodsForm, type ResumedAllowedMethods } from "./allowed-methods-form";

export const metadata: Metadata = { title: "Account Settings" };

const MEMBER_INTENTS: readonly MemberIntent[] = ["reset", "revoke"];

/** `resume=requirement&required=on|off[&graceDays=1..30]`: the change that was sent to "Confirm it's you". */
function resumedRequirement(params: SearchParams): ResumedRequirement | null {
  if (readResume(params, ["requirement"]) === null) return null;
  if (params.required !== "on" && params.required !== "off") return null;
  const days = typeof params.graceDays === "string" ? Number(params.graceDays) : null;
  const graceDays = params.required === "on" && days !== null && Number.isInteger(days) && days >= 1 && days <= 30 ? days : null;
  return { required: params.required === "on", graceDays };
}

/** `resume=allowed-methods&allowed=any|secure[&smsGraceDays=1..30]`: the change that was sent to "Confirm it's you". */
function resumedAllowedMethods(params: SearchParams): ResumedAllowedMethods | null {
  if (readResume(params, ["allowed-methods"]) === null) return null;
  if (params.allowed !== "any" && params.allowed !== "secure") return null;
  const days = typeof params.smsGraceDays === "string" ? Number(params.smsGraceDays) : null;
  const graceDays = params.allowed === "secure" && days !== null && Number.isInteger(days) && days >= 1 && days <= 30 ? days : null;
  return { allowed: params.allowed, graceDays };
}

export default async function AccountSettingsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const viewer = await requireOrganizationAdmin();
  // A parameter that is not valid is shown as such and left out: the page still answers (200).
  const params = await searchParams;
  const { query, problems } = parseMembersQuery(params);
  const { search } = query;
  const { grace, progress, members, recentSecondFactor: recent, allowedMethods } = await loadAccountSettings(viewer, query);
  // Back from "Confirm it's you": the admin action asked for is shown ready to confirm (never done on a GET).
  const intent = readResume(params, MEMBER_INTENTS);
  const member = typeof params.member === "string" ? params.member : null;
  const resume = intent && member && recent ? { intent, userId: member } : null;
  const requirement = recent ? resumedRequirement(params) : null;
  const secureOnly = allowedMethods.allowed === "secure";
  return (
    <div className="flex flex-col gap-8">
      <section aria-labelledby="settings-title" className="rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 id="settings-title" className="mb-2 text-2xl font-semibold">
          Account Settings
        </h1>
        <p className="mb-6 text-slate-600">{viewer.organization.name}</p>
        <SettingsForm
          requireTwoFactor={viewer.organization.requireTwoFactor}
          grace={grace}
          ownSecondFactor={viewer.user.twoFactorEnrolled}
          resumed={requirement}
        />
        <AllowedMethodsForm allowed={allowedMethods.allowed} smsGrace={allowedMethods.smsGrace} resumed={recent ? resumedAllowedMethods(params) : null} />
      </section>

      <section aria-labelledby="members-title" className="rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <div className="mb-4 flex flex-wrap items-baseline justify-between gap-4">
          <h2 id="members-title" className="text-xl font-semibold">
            Members
          </h2>
          <Link href="/account-settings/activity" className="text-sm underline">
            Activity log
          </Link>
        </div>
        <EnrollmentProgress enrolled={progress.enrolled} total={progress.total} secure={secureOnly ? progress.secure : undefined} />
        {problems.map((code) => (
          <p key={code} role="alert" className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-amber-900">
            {ERROR_MESSAGES[code]}
          </p>
        ))}
        <MembersTable members={members} search={search} page={query} viewerRole={viewer.role} resume={resume} secureOnly={secureOnly} />
      </section>
    </div>
  );
}
