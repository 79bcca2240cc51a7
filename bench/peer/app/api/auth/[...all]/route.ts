import { toNextJsHandler } from "better-auth/next-js";
import { getAuth } from "../../../../auth";

let handlers: ReturnType<typeof toNextJsHandler> | undefined;

// toNextJsHandler's methods are one function: the request goes to auth.handler.
function handle(request: Request) {
  return (handlers ??= toNextJsHandler(getAuth())).POST(request);
}

export { handle as GET, handle as POST };
