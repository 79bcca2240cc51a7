import type { TwoFactorOptions } from "./options";
import type { PendingSignIn } from "./pending-sign-in";

export type PathSettings = Pick<TwoFactorOptions, "twoFactorPath" | "signInPath" | "setupDonePath">;
export type TwoFactorPaths = ReturnType<typeof twoFactorPaths>;

/** Where the flow sends the browser, from the host's two-factor and sign-in paths. */
export function twoFactorPaths(settings: PathSettings) {
  const { twoFactorPath, signInPath, setupDonePath } = settings;
  return {
    twoFactor: twoFactorPath,
    setup: `${twoFactorPath}/setup`,
    challenge: `${twoFactorPath}/challenge`,
    /** A member of a secure-methods-only organization adds an authenticator app before the session. */
    secureSetup: `${twoFactorPath}/secure-setup`,
    signIn: signInPath,
    /** The pending sign-in's cookie is missing or too old. */
    signInExpired: `${signInPath}?expired=1`,
    /** Something ended the pending sign-in (a password reset, a 2FA reset, a phone change, or setup done elsewhere). */
    signInEnded: `${signInPath}?ended=1`,
    setupDone: setupDonePath,
  };
}

/** The page of a pending sign-in's stage. */
export function stagePath(paths: TwoFactorPaths, stage: PendingSignIn["stage"]): string {
  if (stage === "secure_setup") return paths.secureSetup;
  return stage === "setup" ? paths.setup : paths.challenge;
}
