"use client";

import { useSyncExternalStore } from "react";

const noChanges = () => () => {};
const FORMAT: Intl.DateTimeFormatOptions = { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" };

/**
 * An instant in the viewer's own time zone: the server cannot know it, so the server's HTML says
 * UTC and the browser replaces it with its own zone's reading once it runs.
 */
export function LocalTime({ iso }: { iso: string }) {
  const text = useSyncExternalStore(
    noChanges,
    () => new Intl.DateTimeFormat(undefined, FORMAT).format(new Date(iso)),
    () => `${iso.slice(0, 16).replace("T", " ")} UTC`,
  );
  return <time dateTime={iso}>{text}</time>;
}
