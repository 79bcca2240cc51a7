import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { isOutboxEnabled } from "@/lib/outbox";
import { loadOutboxPage } from "@/lib/queries/outbox";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Dev outbox", robots: { index: false, follow: false } };

const CHANNEL_NAMES = { sms: "SMS", email: "Email" } as const;

function formatSent(date: Date) {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

export default async function DevOutboxPage() {
  // Codes and sign-in links in clear: the page exists only where the outbox is enabled.
  if (!isOutboxEnabled()) notFound();
  const messages = await loadOutboxPage();

  return (
    <main className="mx-auto max-w-6xl px-4 py-8">
      <div className="mb-4 flex items-baseline justify-between gap-4">
        <h1 className="text-2xl font-semibold">Development outbox</h1>
        <Link href="/dev/outbox" prefetch={false} className="text-sm text-blue-700 underline">
          Refresh
        </Link>
      </div>
      <p className="mb-6 text-sm text-slate-600">
        SMS and email the app would have sent, newest first (the latest 100). Nothing here reached a real phone or
        inbox.
      </p>
      <div role="region" aria-labelledby="outbox-caption" tabIndex={0} className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
        <table className="w-full border-collapse text-left text-sm">
          <caption id="outbox-caption" className="px-4 pt-4 pb-2 text-left text-base font-medium">Dev outbox</caption>
          <thead className="border-b border-slate-200 bg-slate-50">
            <tr>
              <th scope="col" className="px-4 py-2 font-medium whitespace-nowrap">
                Sent
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Channel
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                To
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Subject
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Message
              </th>
            </tr>
          </thead>
          <tbody>
            {messages.length === 0 ? (
              <tr>
                <td colSpan={5} className="px-4 py-6 text-center text-slate-600">
                  No messages yet.
                </td>
              </tr>
            ) : (
              messages.map((message) => (
                <tr key={message.id} className="border-b border-slate-100 align-top last:border-b-0">
                  <td className="px-4 py-2 whitespace-nowrap">
                    <time dateTime={message.createdAt.toISOString()}>{formatSent(message.createdAt)}</time>
                  </td>
                  <td className="px-4 py-2">{CHANNEL_NAMES[message.channel]}</td>
                  <td className="px-4 py-2 whitespace-nowrap" data-testid="outbox-recipient">
                    {message.recipient}
                  </td>
                  <td className="px-4 py-2">{message.subject ?? <span className="text-slate-500">None</span>}</td>
                  <td className="px-4 py-2">
                    <pre className="font-mono text-sm break-words whitespace-pre-wrap" data-testid="outbox-body">
                      {message.body}
                    </pre>
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </main>
  );
}
