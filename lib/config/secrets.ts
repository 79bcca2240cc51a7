export const SECRET_MIN_LENGTH = 32;
export const REQUIRED_SECRETS = ["AUTH_SECRET", "SESSION_PASSWORD"] as const;

/** What is wrong with the secrets, one sentence per problem, each naming the variable. */
export function secretProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  for (const name of REQUIRED_SECRETS) {
    const value = env[name];
    if (!value) problems.push(`${name} is not set. Set it to a random string of at least ${SECRET_MIN_LENGTH} characters.`);
    else if (value.length < SECRET_MIN_LENGTH)
      problems.push(`${name} is too short (${value.length} characters); it needs at least ${SECRET_MIN_LENGTH}.`);
  }
  if (env.AUTH_SECRET && env.AUTH_SECRET === env.SESSION_PASSWORD)
    problems.push("AUTH_SECRET and SESSION_PASSWORD must be different secrets.");
  return problems;
}

/** The iron-session password. Read at use, never at import, so `next build` needs no secret. */
export function sessionPassword(): string {
  const value = process.env.SESSION_PASSWORD;
  if (!value || value.length < SECRET_MIN_LENGTH) {
    throw new Error(`SESSION_PASSWORD must be set to at least ${SECRET_MIN_LENGTH} characters.`);
  }
  return value;
}

export const isProduction = () => process.env.NODE_ENV === "production";
