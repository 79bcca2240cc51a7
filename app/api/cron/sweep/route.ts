import { cronSweepResponse } from "@/lib/cron-sweep";

// Called by the scheduler (vercel.json's crons) with `Authorization: Bearer $CRON_SECRET`.
export const dynamic = "force-dynamic";

export function GET(request: Request): Promise<Response> {
  return cronSweepResponse(request);
}
