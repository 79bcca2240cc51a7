import { NextResponse, type NextRequest } from "next/server";
import { validateForm, type ActionState } from "@/lib/action";
import { ERROR_MESSAGES } from "@/lib/errors";
import { FORM_BODY_LIMIT_BYTES, formDataOf, readBoundedBody } from "@/lib/http/bounded-body";
import { requestInfoFromHeaders, type RequestInfo } from "@/lib/http/client-ip";
import { reportRouteFailure } from "@/lib/http/route-failure";
import { isSameOriginRequest } from "@/lib/http/same-origin";
import { BACKUP_CODE_FORM, completeChallenge, SMS_CODE_FORM } from "../complete";

/**
 * POST /two-factor/challenge/verify: the challenge forms' submission when JavaScript runs
 * (form fields plus `method` = sms | backup), answered with the same JSON state the server
 * actions return. Cookies are set here, so it checks the request's origin itself (CSRF).
 */
export async function POST(request: NextRequest) {
  if (!isSameOriginRequest(request.headers)) {
    return answer({ ok: false, error: ERROR_MESSAGES.CROSS_SITE }, { status: 403 });
  }
  // Bounded before parsing: the form is a few fields, and an unbounded body is parsed whole.
  const body = await readBoundedBody(request, FORM_BODY_LIMIT_BYTES);
  if (!body.ok) return answer({ ok: false, error: ERROR_MESSAGES[body.code] }, { status: body.code === "BODY_TOO_LARGE" ? 413 : 400 });
  const formData = await formDataOf(body.bytes, request.headers.get("content-type"));
  if (!formData) return answer({ ok: false, error: ERROR_MESSAGES.MALFORMED_BODY }, { status: 400 });
  try {
    return await verify(formData, requestInfoFromHeaders(request.headers));
  } catch (error) {
    // Fails closed: nothing was signed in, and the transaction left nothing half-done.
    reportRouteFailure("two-factor verify", error);
    return answer({ ok: false, error: ERROR_MESSAGES.SERVICE_UNAVAILABLE }, { status: 503 });
  }
}

// The answer may carry the session cookie: never stored by a cache.
function answer(state: ActionState, init: { status?: number } = {}) {
  return NextResponse.json(state, { status: init.status ?? 200, headers: { "cache-control": "no-store" } });
}

async function verify(formData: FormData, requestInfo: RequestInfo) {
  const method = formData.get("method");
  if (method === "sms") {
    const form = validateForm(SMS_CODE_FORM, formData);
    if (!form.ok) return answer(form.state);
    return answer(await completeChallenge("sms", form.data.code, form.data.trustDevice, requestInfo, form.data.timeZone));
  }
  if (method === "backup") {
    const form = validateForm(BACKUP_CODE_FORM, formData);
    if (!form.ok) return answer(form.state);
    return answer(await completeChallenge("backup", form.data.backupCode, form.data.trustDevice, requestInfo, form.data.timeZone));
  }
  return answer({ ok: false, error: ERROR_MESSAGES.INVALID_INPUT }, { status: 400 });
}
