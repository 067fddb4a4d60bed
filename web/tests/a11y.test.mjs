// @axe-core/playwright finds no serious or critical violation in the page's main states.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  useServerAndBrowser, openPage, waitForApp, fragmentFor, defaultScenario, seriousViolations,
} from "./harness.mjs";

const env = useServerAndBrowser();


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
