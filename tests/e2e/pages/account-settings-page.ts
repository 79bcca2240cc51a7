import { expect, type Page } from "@playwright/test";

export class AccountSettingsPage {
  constructor(private readonly page: Page) {}

  requirement() {
    return this.page.getByLabel("Require two-factor authentication for all members");
  }

  async goto() {
    await this.page.goto("/account-settings");
    await expect(this.page.getByRole("heading", { name: "Account Settings" })).toBeVisible();
  }

  async setRequirement(required: boolean) {
    await this.requirement().setChecked(required);
    await this.page.getByRole("button", { name: "Save" }).click();
    await expect(this.page.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
  }
}
