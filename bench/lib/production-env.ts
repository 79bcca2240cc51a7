// Imported first by bench/run.ts: the middleware's modules decide at load whether cookies are
// `Secure` and `__Host-` (lib/auth/portal-cookies.ts reads NODE_ENV once, as a production build
// inlines it), so the in-process gate (item 2) must load them as `next start` does.
(process.env as Record<string, string>).NODE_ENV = "production";
