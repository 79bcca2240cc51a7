"use client";

import { useEffect, useRef, useState } from "react";

/** The backup codes, shown once, with the article's advice and copy / download. Focus moves to their heading when they appear. */
export function BackupCodes({ codes }: { codes: string[] }) {
  const [copied, setCopied] = useState<string>("");
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const text = `Connect backup codes (each works once)\n\n${codes.join("\n")}\n`;

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied("Backup codes copied.");
    } catch {
      setCopied("Copying is not allowed here: select the codes and copy them by hand.");
    }
  }

  function download() {
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = "connect-backup-codes.txt";
    link.click();
    URL.revokeObjectURL(url);
  }

  return (
    <section aria-labelledby="backup-codes-title" className="mb-6">
      <h2 id="backup-codes-title" ref={heading} tabIndex={-1} className="mb-2 text-lg font-semibold">
        Your backup codes
      </h2>
      <p className="mb-3 text-sm text-slate-700">
        A backup code allows you to bypass two-step authentication when you cannot use your phone. The best place for
        them is a password manager. Otherwise, please be sure to write these backup codes down and store them in a secure place, or take a screenshot of the codes and email it
        to yourself for future reference. Each code works once, and they are shown only now.
      </p>
      <ul aria-label="Backup codes" className="mb-3 grid grid-cols-[repeat(auto-fill,minmax(15ch,1fr))] gap-2 rounded-md bg-slate-100 p-4 font-mono text-base">
        {codes.map((code) => (
          <li key={code} data-testid="backup-code" className="whitespace-nowrap">
            {code}
          </li>
        ))}
      </ul>
      <div className="flex flex-wrap gap-3">
        <button type="button" onClick={copy} className="rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100">
          Copy codes
        </button>
        <button type="button" onClick={download} className="rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100">
          Download codes
        </button>
      </div>
      <p role="status" className="mt-2 text-sm text-slate-700">
        {copied}
      </p>
    </section>
  );
}
