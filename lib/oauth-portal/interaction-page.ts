// The few answers the sign-in step gives from the /oauth pages route itself, where the App Router's
// layout is out of reach: an expired step (400), a cross-site form (403), a bad form (400), the
// service down (503). A small page in the portal's look: a heading, the message, nothing to submit.
import type http from "node:http";

export const INTERACTION_PAGES = {
  expired: { status: 400, title: "Sign-in expired", message: "This sign-in has expired. Go back to the app and start again." },
  crossSite: { status: 403, title: "Request refused", message: "This request came from another site, so it was refused. Go back to the app and start again." },
  badForm: { status: 400, title: "Request refused", message: "That request could not be read. Go back to the app and start again." },
  unavailable: { status: 503, title: "Service unavailable", message: "Connect is unavailable right now, so the app was not signed in. Try again in a moment." },
} as const;

export type InteractionPage = keyof typeof INTERACTION_PAGES;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function interactionPageHtml(page: InteractionPage): string {
  const { title, message } = INTERACTION_PAGES[page];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)} · Connect</title>
<style>body{margin:0;font-family:system-ui,sans-serif;background:#f8fafc;color:#0f172a}main{display:flex;min-height:100vh;flex-direction:column;align-items:center;justify-content:center;gap:1.5rem;padding:3rem 1rem;box-sizing:border-box}.brand{font-size:1.125rem;font-weight:600;color:#1e40af;margin:0}section{width:100%;max-width:28rem;box-sizing:border-box;border:1px solid #e2e8f0;border-radius:.75rem;background:#fff;padding:2rem}h1{margin:0 0 1.5rem;font-size:1.5rem;font-weight:600}</style>
</head><body><main><p class="brand">Connect</p><section><h1>${escape(title)}</h1><p role="alert">${escape(message)}</p></section></main></body></html>`;
}

export function sendInteractionPage(res: http.ServerResponse, page: InteractionPage): void {
  const headers: http.OutgoingHttpHeaders = { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" };
  if (page === "unavailable") headers["retry-after"] = "5";
  res.writeHead(INTERACTION_PAGES[page].status, headers).end(interactionPageHtml(page));
}
