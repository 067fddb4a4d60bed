// axe finds no serious or critical violation in the compare view and the export panel, light
// and dark.
import { test } from "node:test";
import assert from "node:assert/strict";
import { deflateRawSync } from "node:zlib";
import { useServerAndBrowser, openPage, waitForApp, fragmentFor, defaultScenario, screenshot, seriousViolations } from "./harness.mjs";

const env = useServerAndBrowser({ viewport: { width: 1440, height: 1000 } });
const vs = deflateRawSync(Buffer.from(JSON.stringify({ "producers[0].acks": "1" }))).toString("base64url");


const STATES = [
  ["the compare view", fragmentFor(defaultScenario(), 9000).replace("&t=", `&vs=${vs}&t=`), async (page) => {
    await page.locator(".compare-row.differs").first().waitFor();
  }],
  ["the export panel", fragmentFor(defaultScenario()), async (page) => {
    await page.getByRole("button", { name: "Export config" }).click();
    await page.locator(".export-piece").first().waitFor();
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
      await screenshot(page, `${what.replace(/^the /, "").replace(/ /g, "-")}-${scheme}`);
      await page.close();
    });
  }
}
