import { notFound } from "next/navigation";
import { connection } from "next/server";

/**
 * Benchmark baseline only (BENCH_PAGES=1): a dynamic page of the same build that checks nothing,
 * to measure what the server-side session check costs. 404 otherwise.
 */
export default async function PlainPage() {
  await connection();
  if (process.env.BENCH_PAGES !== "1") notFound();
  return (
    <main className="mx-auto max-w-4xl px-4 py-8">
      <h1 className="mb-4 text-2xl font-semibold">Welcome</h1>
      <p>Rendered at {new Date().toISOString()}</p>
    </main>
  );
}
