"use client";

import { useEffect, useState } from "react";

/** Seconds left until `until` (ISO time), ticking every second; 0 when passed or unknown. */
export function useCountdown(until: string | undefined | null): number {
  const target = until ? Date.parse(until) : 0;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    if (!target) return;
    const timer = setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= target) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [target]);
  return target ? Math.max(Math.ceil((target - now) / 1000), 0) : 0;
}
