type Env = Record<string, string | undefined>;

export type SessionStrategy = "jwt" | "database";

/**
 * AUTH_SESSION_STRATEGY: "jwt" (the default) or "database". JWT is the default because the
 * middleware's gate then judges a session from its cookie alone, with no database read per request
 * (bench item 2), while the server's check still reads the user's "sessions valid after" and the
 * ended sessions; database sessions (next-auth's adapter) suit hosts that list or end sessions by row.
 */
export function sessionStrategyFromEnv(env: Env = process.env): SessionStrategy {
  const value = env.AUTH_SESSION_STRATEGY?.trim();
  if (!value || value === "jwt") return "jwt";
  if (value === "database") return "database";
  throw new Error(`AUTH_SESSION_STRATEGY must be "jwt" or "database", not "${value}"`);
}
