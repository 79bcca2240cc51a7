/**
 * Whether the portal's cookies are `Secure` (and so `__Host-`): in a production build. Kept as
 * this literal expression so that Next.js inlines it in the middleware's bundle too.
 */
export const secureCookies = (): boolean => process.env.NODE_ENV === "production";
