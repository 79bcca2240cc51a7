import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { generateTOTP } from "@oslojs/otp";
import { expect, type Page } from "@playwright/test";

/** The Security page's "Verification methods": each method with Preferred or Make preferred, and Remove. */
export class SecurityMethodsPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/security");
    await expect(this.page.getByRole("heading", { name: "Verification methods" })).toBeVisible();
  }

  /** The list item of one method, found by its heading. */
  method(name: "Text message (SMS)" | "Authenticator app") {
    return this.page.getByRole("listitem").filter({ has: this.page.getByRole("heading", { name, exact: true }) });
  }

  /** Sets an authenticator app up through the page (QR code, key, a code of it); returns its secret. */
  async addAuthenticatorApp(): Promise<Uint8Array> {
    await this.page.getByRole("button", { name: "Set up authenticator app" }).click();
    const shown = (await this.page.getByTestId("authenticator-secret").textContent()) ?? "";
    const secret = decodeBase32IgnorePadding(shown.replace(/ /g, ""));
    await this.page.getByLabel("Authentication code").fill(generateTOTP(secret, 30, 6));
    await this.page.getByRole("button", { name: "Verify", exact: true }).click();
    await expect(this.page.getByRole("status").filter({ hasText: "Your authenticator app was added." })).toBeVisible();
    return secret;
  }

  /** "Make preferred" beside a method, with the keyboard (focus, Enter). */
  async makePreferred(name: "SMS" | "the authenticator app") {
    const button = this.page.getByRole("button", { name: `Make ${name} preferred` });
    await button.focus();
    await this.page.keyboard.press("Enter");
  }

  /** "Remove" beside a method, then the question's confirming button. */
  async remove(what: "SMS" | "authenticator app") {
    await this.page.getByRole("button", { name: `Remove ${what}` }).click();
    await expect(this.page.getByRole("button", { name: `Remove ${what}` })).toBeFocused();
    await this.page.keyboard.press("Enter");
  }

  status() {
    return this.page.getByRole("status");
  }
}
