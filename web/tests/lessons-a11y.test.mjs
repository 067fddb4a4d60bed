// @axe-core/playwright finds no serious or critical violation in a lesson and in a challenge,
// in the light and the dark colour scheme.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AxeBuilder } from "@axe-core/playwright";
import { useServerAndBrowser, openPage, waitForApp, screenshot } from "./harness.mjs";

const env = useServerAndBrowser();

async function seriousViolations(page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}

const STATES = [
  ["a lesson with its tries and the Lessons panel open", "?lesson=acks", async (page) => {
    await page.locator(".lesson-player").waitFor();
    await page.getByRole("button", { name: /Lessons/ }).click();
    await page.locator(".lessons-entry").first().waitFor();
    await page.locator(".lesson-steps summary").click();
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
