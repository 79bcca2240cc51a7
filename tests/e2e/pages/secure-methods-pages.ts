import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { generateTOTP } from "@oslojs/otp";
import { expect, type Page } from "@playwright/test";

/** Account Settings' "Allowed methods" (issue 18). */
export class AllowedMethodsForm {
  constructor(private readonly page: Page) {}

  secureOnly() {
    return this.page.getByLabel("Secure methods only (authenticator app or passkey; SMS codes not accepted)");
  }

  anyMethod() {
    return this.page.getByLabel("Any method (SMS, authenticator app, passkey)");
  }

  updateButton() {
    return this.page.getByRole("button", { name: "Update allowed methods" });
  }

  /** Secure methods only, SMS-only members held at their next sign-in; Update. */
  async chooseSecureOnlyAtNextSignIn() {
    await this.secureOnly().check();
    await this.page.locator("#sms-deadline-next").check();
    await this.updateButton().click();
  }

  progress() {
    return this.page.locator("#enrollment-label");
  }

  complianceOf(email: string) {
    return this.page.getByTestId("member-row").filter({ hasText: email }).getByTestId("member-compliance");
  }
}

/** The sign-in's "Add a secure verification method" stage: the authenticator app set up there. */
export class SecureSetupPage {
  constructor(private readonly page: Page) {}

  async expectShown() {
    await expect(this.page).toHaveURL(/\/two-factor\/secure-setup$/);
    await expect(this.page.getByRole("heading", { name: "Add a secure verification method" })).toBeVisible();
  }

  /** "Set up authenticator app": the key as the page shows it, as an app would take it. */
  async begin(): Promise<Uint8Array> {
    await this.page.getByRole("button", { name: "Set up authenticator app" }).click();
    await expect(this.page.getByRole("img", { name: "QR code to add this account to your authenticator app" })).toBeVisible();
    const shown = (await this.page.getByTestId("authenticator-secret").textContent()) ?? "";
    expect(shown).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    return decodeBase32IgnorePadding(shown.replace(/ /g, ""));
  }

  async verify(secret: Uint8Array) {
    await this.page.getByLabel("Authentication code").fill(generateTOTP(secret, 30, 6));
    await this.page.getByRole("button", { name: "Verify", exact: true }).click();
  }

  /** New backup codes are shown (the member had none): stored, then Continue. */
  async storeBackupCodesAndContinue(): Promise<string[]> {
    await expect(this.page.getByRole("heading", { name: "Your backup codes" })).toBeVisible();
    const codes = await this.page.getByTestId("backup-code").allTextContents();
    await this.page.getByLabel("I have stored my backup codes in a safe place").check();
    await this.page.getByRole("button", { name: "Continue" }).click();
    return codes;
  }
}
