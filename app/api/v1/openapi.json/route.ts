import { openApiResponse } from "@/lib/api/openapi";
import { apiMethodNotAllowed, apiOptions } from "@/lib/oauth-portal/api-route";

// Public: the document says how to get a token; it holds nothing of anyone's.
export const dynamic = "force-dynamic";

export const GET = async (): Promise<Response> => openApiResponse();
export const OPTIONS = apiOptions;
export const POST = apiMethodNotAllowed;
export const PUT = apiMethodNotAllowed;
export const PATCH = apiMethodNotAllowed;
export const DELETE = apiMethodNotAllowed;
