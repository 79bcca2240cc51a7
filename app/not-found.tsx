import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto max-w-md px-4 py-16 text-center">
      <h1 className="mb-2 text-2xl font-semibold">Page not found</h1>
      <Link href="/" className="text-blue-700 underline">
        Back to the portal
      </Link>
    </main>
  );
}
