"use client";

import { ERROR_MESSAGES } from "@/lib/errors";
import { Passkeys, twoFactorRouteAction, type PasskeyIntent, type PasskeyRow } from "@/lib/two-factor/react";

// A passkey needs JavaScript (WebAuthn): the section's steps post to the plugin's route, whose
// answers (done, or "Confirm it's you" first) the section follows with a page load, so the page's
// list and notice are read again even when the address is the one already shown.
const MOUNT = "/api/two-factor";
const TRANSPORT = { messages: { network: ERROR_MESSAGES.NETWORK, unavailable: ERROR_MESSAGES.SERVICE_UNAVAILABLE } };
const options = twoFactorRouteAction(MOUNT, "security/passkey-options", TRANSPORT);
const add = twoFactorRouteAction(MOUNT, "security/passkey-add", TRANSPORT);
const remove = twoFactorRouteAction(MOUNT, "security/passkey-remove", TRANSPORT);

/** The Security page's "Passkeys and security keys" with the portal's steps. */
export function PasskeysSection(props: { passkeys: PasskeyRow[]; resume: PasskeyIntent | null }) {
  return <Passkeys passkeys={props.passkeys} resume={props.resume} options={options} add={add} remove={remove} />;
}
