import type { EmailMessage, EmailSendResult, EmailSender } from "@/lib/email/sender";

export type EmailFailure = Extract<EmailSendResult, { ok: false }>;

export interface RecordingEmailSender extends EmailSender {
  /** Every email the code handed over, including ones answered with a failure. */
  readonly attempts: EmailMessage[];
  /** Emails the "server" accepted: what reached an inbox. */
  readonly messages: EmailMessage[];
  messagesTo(address: string): EmailMessage[];
  /** The password reset link in the newest accepted email to `address`; throws when there is none. */
  lastLinkTo(address: string): URL;
  /** The next send (only) answers this failure. */
  failNext(result?: EmailFailure): void;
  /** Every send answers this failure until `succeed()`. */
  failAlways(result?: EmailFailure): void;
  succeed(): void;
}

const DEFAULT_FAILURE: EmailFailure = { ok: false, reason: "unavailable", detail: "smtp ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:25" };

/** An EmailSender for tests: records what would have been mailed and fails on request. */
export function recordingEmailSender(): RecordingEmailSender {
  const queue: EmailFailure[] = [];
  let always: EmailFailure | null = null;
  const sender: RecordingEmailSender = {
    attempts: [],
    messages: [],
    async send(message) {
      sender.attempts.push({ ...message });
      const failure = queue.shift() ?? always;
      if (failure) return { ...failure };
      sender.messages.push({ ...message });
      return { ok: true };
    },
    messagesTo: (address) => sender.messages.filter((m) => m.to === address),
    lastLinkTo(address) {
      const last = sender.messagesTo(address).at(-1);
      if (!last) throw new Error(`no email was accepted for ${address}`);
      return resetLinkIn(last.text);
    },
    failNext(result = DEFAULT_FAILURE) {
      queue.push(result);
    },
    failAlways(result = DEFAULT_FAILURE) {
      always = result;
    },
    succeed() {
      queue.length = 0;
      always = null;
    },
  };
  return sender;
}

/** The one password reset link in an email's text. */
export function resetLinkIn(text: string): URL {
  const links = text.match(/https?:\/\/\S+/g) ?? [];
  if (links.length !== 1) throw new Error(`expected one link in the email, found ${links.length}`);
  return new URL(links[0]!);
}

/** The token of a reset link (its last path segment). */
export function tokenOf(link: URL): string {
  const match = /^\/password-reset\/([^/]+)$/.exec(link.pathname);
  if (!match) throw new Error(`not a password reset link: ${link.pathname}`);
  return decodeURIComponent(match[1]!);
}
