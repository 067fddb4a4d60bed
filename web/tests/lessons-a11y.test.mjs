// @axe-core/playwright finds no serious or critical violation in a lesson and in a challenge,
// in the light and the dark colour scheme.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser, openPage, waitForApp, screenshot, seriousViolations } from "./harness.mjs";

const env = useServerAndBrowser();


const STATES = [
  ["a lesson with its tries and the Lessons panel open", "?lesson=acks", async (page) => {
    await page.locator(".lesson-player").waitFor();
    await page.getByRole("button", { name: /Lessons/ }).click();
    await page.locator(".lessons-entry").first().waitFor();
  }],
  ["a challenge with a hint and a checked goal", "?lesson=challenge-ordered-retries", async (page) => {
    await page.locator(".challenge").waitFor();
    await page.getByRole("button", { name: /Show a hint/ }).click();
    await page.getByRole("button", { name: "Check" }).click();
    await page.locator(".challenge-failed").waitFor({ timeout: 20000 });
  }],
];

for (const [what, suffix, prepare] of STATES) {
  for (const scheme of ["light", "dark"]) {
    test(`${what} (${scheme}) has no serious or critical accessibility violation`, async () => {
      const { page } = await openPage(env.browser.context, "about:blank");
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(env.server.url + suffix);
      await waitForApp(page);
      await prepare(page);
      await screenshot(page, `a11y-${suffix.includes("challenge") ? "challenge" : "lesson"}-${scheme}`);
      assert.deepEqual(await seriousViolations(page), []);
      await page.close();
    });
  }
}
