import { portalTwoFactor } from "@/lib/server";

/**
 * The plugin's route handler: every posting step of the two-factor flow (POST
 * /api/two-factor/<group>/<step>) and the continue step next-auth's sign-ins are sent to (GET
 * /api/two-factor/sign-in/continue).
 */
const handle = (request: Request) => portalTwoFactor().handler(request);
export { handle as GET, handle as POST };
