"use client";

import { useEffect, useState } from "react";

/**
 * The browser's time zone, known only after mounting (the server does not know it): messages that
 * say when a limit lifts are rendered in UTC on the server and first render, then in this zone.
 */
export function useBrowserTimeZone(): string | undefined {
  const [timeZone, setTimeZone] = useState<string | undefined>(undefined);
  useEffect(() => setTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  return timeZone;
}

/** Sends the browser's time zone with a form, so the server's answer gives times in it. */
export function TimeZoneField() {
  return <input type="hidden" name="timeZone" value={useBrowserTimeZone() ?? ""} />;
}
