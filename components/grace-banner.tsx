"use client";

import Link from "next/link";
import { useState } from "react";

/** During the grace period: members without 2FA are asked, and may skip for now. */
export function GraceBanner({ until }: { until: string }) {
  const [skipped, setSkipped] = useState(false);
  if (skipped) return null;
  return (
    <div role="region" aria-label="Two-step authentication required soon" className="border-b border-amber-300 bg-amber-50">
      <div className="mx-auto flex max-w-4xl flex-wrap items-center justify-between gap-3 px-4 py-3 text-sm">
        <p>
          Your organization requires two-step authentication. Set it up before {new Date(until).toUTCString().slice(0, 16)}; after
          that you will be asked at sign-in.
        </p>
        <div className="flex gap-3">
          <Link href="/security" className="rounded-md bg-blue-700 px-3 py-1 font-medium text-white">Set up now</Link>
          <button type="button" onClick={() => setSkipped(true)} className="underline">Skip for now</button>
        </div>
      </div>
    </div>
  );
}
