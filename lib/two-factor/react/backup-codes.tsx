"use client";

import { useEffect, useRef, useState } from "react";
import { slotClasses, type ClassNames } from "./class-names";

export type BackupCodesSlot = "root" | "title" | "text" | "secondaryButton" | "status";

/**
 * The backup codes, shown once, with the advice to store them and copy / download. Focus moves to
 * their heading when they appear. `appName` names the downloaded file and its first line.
 */
export function BackupCodes({ codes, appName, classNames }: { codes: string[]; appName?: string; classNames?: ClassNames<BackupCodesSlot> }) {
  const cx = slotClasses(classNames);
  const [copied, setCopied] = useState<string>("");
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const text = `${appName ? `${appName} backup codes` : "Backup codes"} (each works once)\n\n${codes.join("\n")}\n`;
  const fileName = `${appName ? `${appName.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-` : ""}backup-codes.txt`;

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
    link.download = fileName;
    link.click();
    URL.revokeObjectURL(url);
  }

  const secondary = cx("secondaryButton", "rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100");
  return (
    <section aria-labelledby="backup-codes-title" className={cx("root", "mb-6")}>
      <h2 id="backup-codes-title" ref={heading} tabIndex={-1} className={cx("title", "mb-2 text-lg font-semibold")}>
        Your backup codes
      </h2>
      <p className={cx("text", "mb-3 text-sm text-slate-700")}>
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
        <button type="button" onClick={copy} className={secondary}>
          Copy codes
        </button>
        <button type="button" onClick={download} className={secondary}>
          Download codes
        </button>
      </div>
      <p role="status" className={cx("status", "mt-2 text-sm text-slate-700")}>
        {copied}
      </p>
    </section>
  );
}
