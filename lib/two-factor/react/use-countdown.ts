"use client";

import { useEffect, useState } from "react";

/** Seconds left until `until` (ISO time), ticking every second; 0 when passed or unknown. */
export function useCountdown(until: string | undefined | null): number {
  const target = until ? Date.parse(until) : 0;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const tick = () => {
      setNow(Date.now());
      if (!target || Date.now() >= target) clearInterval(timer);
    };
    // The first tick at once (a new target may follow a render with an old clock), then every second.
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, 1000);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [target]);
  return target ? Math.max(Math.ceil((target - now) / 1000), 0) : 0;
}
