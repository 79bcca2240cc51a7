// The native app's redirect catcher (RFC 8252 §7.3): an http server on the loopback interface, on a
// port the system picks, for exactly one redirect to /callback. It answers the browser with a page
// telling the member to go back to the app, and closes. Nothing listens on another interface.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface LoopbackRedirect {
  /** http://127.0.0.1:<port>/callback: the redirect URI of this one authorization request. */
  redirectUri: string;
  /** The URL the browser was redirected to, query included. */
  received: Promise<URL>;
  close(): Promise<void>;
}

const DONE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Back to the app</title></head>
<body><main><h1>You can go back to the app</h1><p>Connect for iOS has your sign-in. You can close this tab.</p></main></body></html>`;

export async function listenForRedirect(): Promise<LoopbackRedirect> {
  let deliver: (url: URL) => void = () => undefined;
  const received = new Promise<URL>((resolve) => {
    deliver = resolve;
  });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
    if (req.method !== "GET" || url.pathname !== "/callback") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(DONE_PAGE);
    deliver(url);
    // One redirect per request: the port is not left listening for another.
    server.close();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      }),
  };
}
