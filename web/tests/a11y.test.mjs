// @axe-core/playwright finds no serious or critical violation in the page's main states.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AxeBuilder } from "@axe-core/playwright";
import {
  useServerAndBrowser, openPage, waitForApp, fragmentFor, defaultScenario,
} from "./harness.mjs";

const env = useServerAndBrowser();

async function seriousViolations(page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}

const STATES = [
  ["the default page", "", async () => {}],
  ["a broker menu open mid-run", fragmentFor(defaultScenario(), 7000), async (page) => {
    await page.locator('[data-broker="1"][role=button]').click();
    await page.getByRole("menu").waitFor();
  }],
  ["an invalid scenario", fragmentFor({ ...defaultScenario(), producers: [{ ...defaultScenario().producers[0], acks: "2" }] }), async () => {}],
  ["a damaged link", "#s=%%%", async () => {}],
  ["embed mode", "?embed=1&controls=acks" + fragmentFor(defaultScenario(), 3000), async () => {}],
  ["a selected ledger figure", fragmentFor(defaultScenario(), 9000), async (page) => {
    await page.locator('[data-figure="acknowledged"]').click();
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
      assert.deepEqual(await seriousViolations(page), []);
      await page.close();
    });
  }
}
