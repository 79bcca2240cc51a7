import { expect, type Browser, type Page } from "@playwright/test";
import { latestCodeFor } from "../../fakes/vonage-client";
import { SignInPage } from "./sign-in-page";

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

  /** A signed-in member turns two-step authentication on at /security: the code texted, and the backup codes. */
  async enrollOnSecurityPage(vonageUrl: string, phone: string): Promise<{ code: string; backupCodes: string[] }> {
    await this.page.goto("/security");
    await this.sendCode(phone);
    const code = await codeFromFake(vonageUrl, phone);
    await this.verify(code);
    const backupCodes = await this.backupCodes();
    await this.finish();
    return { code, backupCodes };
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
    await this.openOtherMethods();
    await this.page.getByRole("button", { name: "Use the backup code" }).click();
    await this.page.getByLabel("Backup code").fill(code);
    await this.page.getByLabel("Trust this device").setChecked(trust);
    await this.page.getByRole("button", { name: "Verify", exact: true }).click();
  }

  /** The choices "Choose another verification method" opens, in their order. */
  async otherMethods(): Promise<string[]> {
    await this.openOtherMethods();
    return this.page.locator("#other-methods").getByRole("button").allTextContents();
  }

  /** Opens "Choose another verification method"; a click before the page hydrated does nothing, so it is clicked again until the list shows. */
  async openOtherMethods() {
    const toggle = this.page.getByRole("button", { name: "Choose another verification method" });
    await expect(async () => {
      if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
      await expect(this.page.locator("#other-methods")).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
  }

  /** The challenge opened with the authenticator app: its code and Verify. */
  async verifyAuthenticatorCode(code: string, { trust = true } = {}) {
    await this.page.getByLabel("Authentication code").fill(code);
    await this.page.getByLabel("Trust this device").setChecked(trust);
    await this.page.getByRole("button", { name: "Verify", exact: true }).click();
  }

  /** With the list of other methods open: "Use your authenticator app", its code and Verify. */
  async useAuthenticatorApp(code: string, { trust = true } = {}) {
    await this.page.getByRole("button", { name: "Use your authenticator app" }).click();
    await this.page.getByLabel("Authentication code").fill(code);
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

/**
 * A new browser context at a sign-in challenge that opens with another method than SMS: the
 * password is done and the challenge shown (a text, had one been sent, is sent before it shows).
 */
export async function contextAtChallengeUntexted(browser: Browser, options: { baseURL: string; email: string }) {
  const context = await browser.newContext({ baseURL: options.baseURL });
  const page = await context.newPage();
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.submit(options.email);
  await new ChallengePage(page).expectShown();
  return { context, page };
}

/**
 * A new browser context at the sign-in challenge: the password is done and a code was texted,
 * returned once it differs from `previousCode` (each sign-in texts a new one).
 */
export async function contextAtChallenge(
  browser: Browser,
  options: { baseURL: string; vonageUrl: string; email: string; phone: string; previousCode?: string; javaScriptEnabled?: boolean },
) {
  const context = await browser.newContext({ baseURL: options.baseURL, ...(options.javaScriptEnabled === undefined ? {} : { javaScriptEnabled: options.javaScriptEnabled }) });
  const page = await context.newPage();
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.submit(options.email);
  await new ChallengePage(page).expectShown();
  const code = await codeFromFake(options.vonageUrl, options.phone, options.previousCode);
  return { context, page, code };
}
