import type { ReactNode } from "react";

// The form primitives are the plugin's (its components and the portal's forms look alike).
export { Button, Field, FormMessage } from "@/lib/two-factor/react";

export function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="mx-auto w-full max-w-md rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="mb-6 text-2xl font-semibold">{title}</h1>
      {children}
    </section>
  );
}
