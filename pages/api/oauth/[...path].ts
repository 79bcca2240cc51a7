// oidc-provider wants Node's request and response (docs/oauth-native-apps.md): a pages API route
// with its body parser off. next.config.mjs rewrites /oauth/* here; the route sees the original URL.
import type { NextApiRequest, NextApiResponse } from "next";
import { handleOAuthRequest } from "@/lib/oauth-portal/route";

export const config = { api: { bodyParser: false, externalResolver: true } };

export default function oauthRoute(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  return handleOAuthRequest(req, res);
}
