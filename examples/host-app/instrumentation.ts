// Turbopack (Next 16.4.6) takes the repository root's instrumentation.ts (the portal's) when the app has none.
export function register() {}
