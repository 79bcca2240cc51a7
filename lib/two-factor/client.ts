// The plugin's browser-safe entry point: what a client component may import (no database, no
// Node.js module, nothing heavy). Everything else is in "./index" (server) and "./cookies" (edge).
export { isTwoFactorErrorCode, twoFactorMessage, type TwoFactorErrorCode, type TwoFactorFailure, type TwoFactorMessageContext, type TwoFactorScreen } from "./messages";
export type { ActionState } from "./action-state";
