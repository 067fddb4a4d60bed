// A damaged, hostile or oversized link says what is wrong and leaves a usable page on the
// default scenario.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  useServerAndBrowser, openPage, screenshot, waitForApp, fragmentFor, defaultScenario, decodeFragment, settledUrl } from "./harness.mjs";

const env = useServerAndBrowser();

async function expectUsable(page) {
  await page.locator("svg.stage-svg").waitFor();
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.waitForFunction(() => Number(document.querySelector("output.time").dataset.positionMs) > 0);
  await page.getByRole("button", { name: "Pause", exact: true }).click();
}

const CASES = [
  ["damaged data", "#s=@@not*base64", /could not be opened: .*damaged/],
  ["truncated deflate", fragmentFor({ format: 1 }).slice(0, 8), /could not be opened/],
  ["an unknown part", "#s=abc&evil=1", /unknown part "evil"/],
  ["a scenario Kafka refuses", fragmentFor({ format: 1, topics: [{ name: "t", partitions: 2, "replication.factor": 1, "min.insync.replicas": 3 }] }), /min\.insync\.replicas/],
  ["a link above the size limit", "#s=" + "A".repeat(20000), /too long/],
];

for (const [what, fragment, message] of CASES) {
  test(`a link with ${what} shows an error and a usable page`, async () => {
    const { page, errors } = await openPage(env.browser.context, env.server.url + fragment);
    await waitForApp(page);
    const alert = page.locator(".link-error[role=alert]");
    await alert.waitFor();
    assert.match(await alert.textContent(), message);
    await expectUsable(page);
    assert.deepEqual(decodeFragment(await settledUrl(page)).doc, defaultScenario());
    if (what === "damaged data") await screenshot(page, "damaged-link");
    await page.getByRole("button", { name: "Dismiss" }).click();
    await alert.waitFor({ state: "detached" });
    assert.deepEqual(errors, []);
    await page.close();
  });
}
