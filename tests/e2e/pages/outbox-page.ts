import { expect, type Page } from "@playwright/test";

/**
 * The dev outbox (/dev/outbox), where e2e servers keep the emails they send. Mail goes out after
 * the answer that caused it (lib/email: a reset request must not wait for the mail server), so a
 * message can land a moment after that page has answered: reload until it is there.
 */
export async function openOutboxWith(page: Page, expected: string | RegExp, timeout = 15_000): Promise<string> {
  let text = "";
  await expect(async () => {
    await page.goto("/dev/outbox");
    text = await page.getByRole("table").innerText();
    if (typeof expected === "string") expect(text).toContain(expected);
    else expect(text).toMatch(expected);
  }).toPass({ timeout });
  return text;
}

/**
 * The newest link matching `pattern` emailed to `email`: read from that recipient's own row (the
 * outbox lists newest first, and holds other specs' emails too), as a message lands a moment after
 * the answer that sent it.
 */
export async function newestLinkFor(page: Page, email: string, pattern: RegExp, timeout = 15_000): Promise<string> {
  let link = "";
  await expect(async () => {
    await page.goto("/dev/outbox");
    const row = page.getByRole("row").filter({ has: page.getByTestId("outbox-recipient").getByText(email, { exact: true }) }).filter({ hasText: pattern });
    const found = pattern.exec(await row.first().innerText({ timeout: 1_000 }))?.[0];
    expect(found).toBeTruthy();
    link = found!;
  }).toPass({ timeout });
  return link;
}

/** The newest password reset link emailed to `email`. */
export const resetLinkFor = (page: Page, email: string, timeout = 15_000) =>
  newestLinkFor(page, email, /https?:\/\/[^\s]+\/password-reset\/[A-Za-z0-9_-]+/, timeout);
