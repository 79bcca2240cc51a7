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
