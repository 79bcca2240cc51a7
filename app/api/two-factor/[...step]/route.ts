import { portalTwoFactor } from "@/lib/server";

/** Every posting step of the two-factor flow (the plugin's route handler): POST /api/two-factor/<group>/<step>. */
export const POST = (request: Request) => portalTwoFactor().handler(request);
