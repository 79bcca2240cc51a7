"use client";

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <main className="mx-auto max-w-md px-4 py-16 text-center">
      <h1 className="mb-2 text-2xl font-semibold">Something went wrong on our side</h1>
      <p className="mb-6 text-slate-600">Nothing was changed and nobody was signed in. Please try again in a moment.</p>
      <button type="button" onClick={reset} className="rounded-md bg-blue-700 px-4 py-2 font-medium text-white">
        Try again
      </button>
    </main>
  );
}
