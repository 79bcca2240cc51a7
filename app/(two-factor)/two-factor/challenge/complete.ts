// The challenge's methods, named by the plugin (its step challenge/verify takes `method`).
export type { ChallengeMethod } from "@/lib/two-factor";
