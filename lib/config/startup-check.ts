import { secretProblems } from "./secrets";

/** Node only: stops a production server whose secrets are missing or short. */
export function refuseToRunWithoutSecrets() {
  if (process.env.NODE_ENV !== "production") return;
  const problems = secretProblems(process.env);
  if (problems.length === 0) return;
  for (const problem of problems) console.error(`Refusing to start: ${problem}`);
  process.exit(1);
}
