import { expect, type Page } from "@playwright/test";
import { latestCodeFor } from "../../fakes/vonage-client";

/** The code the fake Vonage received last for this phone, waiting briefly for it to arrive. */
export async function codeFromFake(vonageUrl: string, phone: string, notEqual?: string): Promise<string> {
  let code: string | null = null;
  await expect
    .poll(async () => {
      code = await latestCodeFor(vonageUrl, phone);
      return code !== null && code !== notEqual;
    })
    .toBe(true);
  return code!;
}

export class SetupPage {
  constructor(private readonly page: Page) {}

  dialog() {
    return this.page.getByRole("dialog", { name: "Verify Your Phone" });
  }

  async sendCode(phone: string) {
    await this.page.getByLabel("Phone number", { exact: true }).fill(phone);
    await this.page.getByRole("button", { name: "Send code", exact: true }).click();
  }

  phoneError() {
    return this.page.locator("#phone-error");
  }

  async verify(code: string) {
    await this.dialog().getByLabel("Verification code").fill(code);
    await this.dialog().getByRole("button", { name: "Verify Phone" }).click();
  }

  async backupCodes(): Promise<string[]> {
    await expect(this.page.getByRole("heading", { name: "Your backup codes" })).toBeVisible();
    return this.page.getByTestId("backup-code").allTextContents();
  }

  async finish() {
    await this.page.getByLabel("I have stored my backup codes in a safe place").check();
    await this.page.getByRole("button", { name: "Continue" }).click();
  }
}

export class ChallengePage {
  constructor(private readonly page: Page) {}

  async expectShown() {
    await expect(this.page.getByRole("heading", { name: "Two-step verification" })).toBeVisible();
  }

  async verifySms(code: string, { trust = true } = {}) {
    await this.page.getByLabel("Verification code").fill(code);
    await this.page.getByLabel("Trust this device").setChecked(trust);
    await this.page.getByRole("button", { name: "Verify", exact: true }).click();
  }

  async useBackupCode(code: string, { trust = true } = {}) {
    await this.page.getByRole("button", { name: "Choose another verification method" }).click();
    await this.page.getByRole("button", { name: "Use the backup code" }).click();
    await this.page.getByLabel("Backup code").fill(code);
    await this.page.getByLabel("Trust this device").setChecked(trust);
    await this.page.getByRole("button", { name: "Verify", exact: true }).click();
  }

  fieldError(field: "code" | "backupCode") {
    return this.page.locator(`#${field}-error`);
  }

  resendButton() {
    return this.page.getByRole("button", { name: "Resend code" });
  }
}
