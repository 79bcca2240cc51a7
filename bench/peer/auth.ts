import { betterAuth } from "better-auth";
import { Pool } from "pg";
import { authOptions } from "./auth-options";

function createAuth() {
  return betterAuth(authOptions(new Pool({ connectionString: process.env.DATABASE_URL })));
}

let auth: ReturnType<typeof createAuth> | undefined;

/** Created on first use: `next build` loads the route without the server's environment. */
export function getAuth() {
  return (auth ??= createAuth());
}
