"use client";

import { useSyncExternalStore } from "react";

const neverChanges = () => () => {};
const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
const serverTimeZone = () => undefined;

/**
 * The browser's time zone, known only after hydration (the server does not know it): messages that
 * say when a limit lifts are rendered in UTC on the server and first render, then in this zone.
 */
export function useBrowserTimeZone(): string | undefined {
  return useSyncExternalStore(neverChanges, browserTimeZone, serverTimeZone);
}

/** Sends the browser's time zone with a form, so the server's answer gives times in it. */
export function TimeZoneField() {
  return <input type="hidden" name="timeZone" value={useBrowserTimeZone() ?? ""} />;
}
