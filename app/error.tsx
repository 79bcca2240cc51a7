"use client";

import { ERROR_MESSAGES } from "@/lib/errors";

// Also the page a request sees when it is the one that finds the database gone (its render fails
// before the breaker opens): the same sentence as the 503 page that follows.
export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <main className="mx-auto max-w-md px-4 py-16 text-center">
      <h1 className="mb-2 text-2xl font-semibold">Temporarily unavailable</h1>
      <p className="mb-6 text-slate-600">{ERROR_MESSAGES.SERVICE_UNAVAILABLE}</p>
      <button type="button" onClick={reset} className="rounded-md bg-blue-700 px-4 py-2 font-medium text-white">
        Try again
      </button>
    </main>
  );
}
