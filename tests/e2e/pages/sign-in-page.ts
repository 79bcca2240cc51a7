import { expect, type Page } from "@playwright/test";
import { E2E_PASSWORD } from "../env";

export class SignInPage {
  constructor(private readonly page: Page) {}

  async goto(path = "/sign-in") {
    await this.page.goto(path);
  }

  async submit(email: string, password = E2E_PASSWORD) {
    await this.page.getByLabel("Email", { exact: true }).fill(email);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Sign in", exact: true }).click();
  }

  /** Signs in and waits until the portal home (or the given path) is shown. */
  async signIn(email: string, password = E2E_PASSWORD) {
    await this.goto();
    await this.submit(email, password);
    await expect(this.page.getByTestId("signed-in-email")).toHaveText(email);
  }

  error() {
    return this.page.locator("main form").getByRole("alert");
  }
}
