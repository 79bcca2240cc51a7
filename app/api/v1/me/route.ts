import { loadApiMe } from "@/lib/api/me";
import { apiMethodNotAllowed, apiOptions, apiRoute } from "@/lib/oauth-portal/api-route";

export const dynamic = "force-dynamic";

export const GET = apiRoute("me", loadApiMe);
export const OPTIONS = apiOptions;
export const POST = apiMethodNotAllowed;
export const PUT = apiMethodNotAllowed;
export const PATCH = apiMethodNotAllowed;
export const DELETE = apiMethodNotAllowed;
