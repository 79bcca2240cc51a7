import { emailConfigurationWarning } from "../email";
import { appUrlConfigurationWarning } from "./app-url";
import { cronConfigurationWarning } from "../http/cron-secret";
import { smsConfigurationWarning } from "../sms";
import { secretProblems } from "./secrets";

/** Node only: stops a production server whose secrets are missing or short, and says what cannot work. */
export function refuseToRunWithoutSecrets() {
  if (process.env.NODE_ENV !== "production") return;
  const problems = secretProblems(process.env);
  if (problems.length > 0) {
    for (const problem of problems) console.error(`Refusing to start: ${problem}`);
    process.exit(1);
  }
  for (const warning of [smsConfigurationWarning(process.env), emailConfigurationWarning(process.env), appUrlConfigurationWarning(process.env), cronConfigurationWarning(process.env)]) {
    if (warning) console.warn(warning);
  }
}
