"use server";

import { stepAction } from "@/lib/step-action";

/** "Cancel": ends the pending sign-in and goes back to sign-in (the plugin's step). */
export const cancelSignInAction = stepAction("sign-in/cancel");
