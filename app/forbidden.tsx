import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="mx-auto max-w-md px-4 py-16 text-center">
      <h1 className="mb-2 text-2xl font-semibold">You do not have access to this page</h1>
      <p className="mb-6 text-slate-600">Only the account owner and admins can open Account Settings.</p>
      <Link href="/" className="text-blue-700 underline">
        Back to the portal
      </Link>
    </main>
  );
}
