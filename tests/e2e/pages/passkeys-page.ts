import { expect, type BrowserContext, type Page } from "@playwright/test";

/** The credential Chrome's virtual authenticator keeps (DevTools Protocol's WebAuthn.Credential). */
export interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
}

/**
 * An authenticator with user verification (a fingerprint reader, or a security key with a PIN) in one browser
 * context, through the Chrome DevTools Protocol: Chromium makes and uses passkeys with it without a
 * prompt. Each context has its own; a credential copied into another plays the same passkey there.
 */
export class VirtualAuthenticator {
  private constructor(
    private readonly cdp: Awaited<ReturnType<BrowserContext["newCDPSession"]>>,
    readonly id: string,
  ) {}

  /** `transport`: "internal" for a platform authenticator (one per browser), "usb" for a security key. */
  static async attach(page: Page, transport: "internal" | "usb" = "internal"): Promise<VirtualAuthenticator> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: { protocol: "ctap2", transport, hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    return new VirtualAuthenticator(cdp, authenticatorId);
  }

  async credentials(): Promise<VirtualCredential[]> {
    const { credentials } = await this.cdp.send("WebAuthn.getCredentials", { authenticatorId: this.id });
    return credentials as VirtualCredential[];
  }

  async addCredential(credential: VirtualCredential): Promise<void> {
    await this.cdp.send("WebAuthn.addCredential", { authenticatorId: this.id, credential });
  }

  async remove(): Promise<void> {
    await this.cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId: this.id });
  }
}

/** The Security page's "Passkeys and security keys". */
export class PasskeysSection {
  constructor(private readonly page: Page) {}

  root() {
    return this.page.getByTestId("passkeys-section");
  }

  async goto() {
    await this.page.goto("/security");
    await expect(this.root().getByRole("heading", { name: "Passkeys and security keys" })).toBeVisible();
  }

  /** The passkeys listed, by name, in order (waiting for the list to show them). */
  async expectNames(names: string[]) {
    await expect(this.root().getByTestId("passkey").locator("p.font-medium")).toHaveText(names);
  }

  async add(name: string) {
    await this.root().getByLabel("Name").fill(name);
    await this.root().getByRole("button", { name: "Add a passkey" }).click();
  }

  error() {
    return this.root().getByRole("alert");
  }

  async remove(name: string) {
    await this.root().getByRole("button", { name: `Remove ${name}` }).click();
    const question = this.root().getByRole("group", { name: `Remove “${name}”? It will no longer sign you in.` });
    await expect(question.getByRole("button", { name: "Remove passkey" })).toBeFocused();
    await question.getByRole("button", { name: "Remove passkey" }).click();
  }
}
