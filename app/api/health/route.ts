import { healthResponse } from "@/lib/health";

// For load balancers: 200 {status:"ok"} when the database answers and its migrations are this
// build's, else 503. Public (lib/auth/gate.ts); it says nothing more.
export const dynamic = "force-dynamic";

export function GET(): Promise<Response> {
  return healthResponse();
}
