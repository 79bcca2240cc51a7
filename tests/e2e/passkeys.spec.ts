import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import { E2E_PASSWORD } from "./env";
import { test } from "./fixtures";
import { PasskeysSection, VirtualAuthenticator } from "./pages/passkeys-page";
import { latestCodeFor } from "../fakes/vonage-client";
import { ChallengePage, contextAtChallenge, contextAtChallengeUntexted } from "./pages/two-factor-pages";
import { E2E_PASSKEY_PHONE, E2E_USERS } from "./seed";

// Issue 18: a member with SMS set up adds two named passkeys on the Security page (Chromium's
// virtual authenticator standing in for a fingerprint reader), signs in with one on a new browser
// holding a copy of it (the challenge then opens with the passkey and texts nothing: the method
// picker puts a passkey first), and removes one. The site is http://localhost:<port>: its RP id is "localhost".
const EMAIL = E2E_USERS.passkeyMember;

async function expectAccessible(page: Page, what: string, include?: string) {
  const builder = new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa"]);
  const results = await (include ? builder.include(include) : builder).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect.soft(serious, what).toEqual([]);
}

async function expectEmail(page: Page, subject: string) {
  await expect(async () => {
    await page.goto("/dev/outbox");
    const row = page.getByRole("row").filter({ has: page.getByTestId("outbox-recipient").getByText(EMAIL, { exact: true }) }).filter({ hasText: subject });
    await expect(row.first()).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
}

test("a member adds two named passkeys, signs in with one on a new browser, and removes one", async ({ browser, baseURL, vonageUrl }) => {
  test.setTimeout(150_000);
  const member = await contextAtChallenge(browser, { baseURL: baseURL!, vonageUrl, email: EMAIL, phone: E2E_PASSKEY_PHONE });
  const page = member.page;
  expect(await new ChallengePage(page).otherMethods()).toEqual(["Use the backup code"]);
  await new ChallengePage(page).verifySms(member.code, { trust: false });
  await expect(page.getByTestId("signed-in-email")).toHaveText(EMAIL);

  const laptop = await VirtualAuthenticator.attach(page);
  let credential: Awaited<ReturnType<VirtualAuthenticator["credentials"]>>[number] | undefined;
  const section = new PasskeysSection(page);
  await test.step("add two passkeys with names; the same authenticator twice is refused in words", async () => {
    await section.goto();
    await expect(section.root().getByText("You have no passkeys yet.")).toBeVisible();
    await section.add("   ");
    await expect(section.root().locator("#name-error")).toContainText("Name it with 1 to 60 characters");
    await section.add("Work laptop");
    await expect(page.getByRole("status").filter({ hasText: "Your passkey was added." })).toBeVisible();
    await section.expectNames(["Work laptop"]);
    await expect(section.root().getByTestId("passkey")).toContainText("Never used");
    [credential] = await laptop.credentials();
    await section.add("Laptop again");
    await expect(section.error()).toHaveText("This passkey or security key is already added to your account.");

    // Another authenticator: a security key plugged in once the laptop's is gone.
    await laptop.remove();
    const key = await VirtualAuthenticator.attach(page, "usb");
    await section.add("Blue security key");
    await expect(page.getByRole("status").filter({ hasText: "Your passkey was added." })).toBeVisible();
    await section.expectNames(["Work laptop", "Blue security key"]);
    await expectAccessible(page, "Security page, two passkeys", "[data-testid=passkeys-section]");
    await key.remove();
  });
  await expectEmail(page, "A passkey was added");

  await page.goto("/");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  const other = await contextAtChallengeUntexted(browser, { baseURL: baseURL!, email: EMAIL });
  await test.step("sign in on a new browser holding a copy of the laptop's passkey: the challenge opens with it", async () => {
    const held = await VirtualAuthenticator.attach(other.page);
    expect(credential, "the laptop's passkey was read before its authenticator went").toBeDefined();
    await held.addCredential(credential!);
    const challenge = new ChallengePage(other.page);
    expect(await challenge.otherMethods()).toEqual(["Use the code received via SMS", "Use the backup code"]);
    await expectAccessible(other.page, "challenge, the passkey's form");
    await other.page.getByLabel("Trust this device").setChecked(false);
    await other.page.getByRole("button", { name: "Use passkey" }).click();
    await expect(other.page.getByTestId("signed-in-email")).toHaveText(EMAIL);
    expect(await latestCodeFor(vonageUrl, E2E_PASSKEY_PHONE), "nothing texted for a sign-in that opens with a passkey").toBe(member.code);
  });

  await test.step("Confirm it's you takes the passkey too: it opens with it", async () => {
    await other.page.goto("/confirm?next=%2Fsecurity");
    await expect(other.page.getByRole("button", { name: "Use the code received via SMS" })).toBeVisible();
    await other.page.getByLabel("Password").fill(E2E_PASSWORD);
    await expectAccessible(other.page, "Confirm it's you, the passkey's form");
    await other.page.getByRole("button", { name: "Confirm with passkey" }).click();
    await expect(other.page).toHaveURL(/\/security$/);
  });

  await test.step("remove one passkey (signed in with a passkey: a recent second factor)", async () => {
    const otherSection = new PasskeysSection(other.page);
    await otherSection.goto();
    await expect(otherSection.root().getByTestId("passkey").first()).toContainText("Last used");
    await otherSection.remove("Work laptop");
    await expect(other.page.getByRole("status").filter({ hasText: "The passkey was removed" })).toBeVisible();
    await otherSection.expectNames(["Blue security key"]);
    await expectAccessible(other.page, "Security page, one passkey left", "[data-testid=passkeys-section]");
  });
  await expectEmail(other.page, "A passkey was removed");
  await member.context.close();
  await other.context.close();
});
