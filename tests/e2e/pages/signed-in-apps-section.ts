import { expect, type Page } from "@playwright/test";

/** The Security page's "Signed-in apps": each app the member signed in to through the browser, with Revoke. */
export class SignedInAppsSection {
  constructor(private readonly page: Page) {}

  section() {
    return this.page.getByRole("region", { name: "Signed-in apps" });
  }

  /** The rows naming the app. */
  app(name: string) {
    return this.section().getByTestId("signed-in-app").filter({ hasText: name });
  }

  async goto() {
    await this.page.goto("/security");
    await expect(this.section()).toBeVisible();
  }

  /** Revoke on the app's newest sign-in (the list is newest first). */
  async revoke(name: string) {
    await this.app(name).first().getByRole("button", { name: new RegExp(`^Revoke ${name}`) }).click();
  }
}
