// Screenshots of the page's main states (saved to web/test-results/ as artifacts), and the
// layout from a 360 px phone to a wide screen: no sideways scrolling, the stage scales.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  useServerAndBrowser, openPage, screenshot, waitForApp, fragmentFor, defaultScenario,
} from "./harness.mjs";

const env = useServerAndBrowser();

const SIZES = [
  ["phone", 360, 740],
  ["tablet", 820, 1000],
  ["wide", 1440, 900],
];

for (const [name, width, height] of SIZES) {
  for (const scheme of ["light", "dark"]) {
    test(`the ${name} layout (${width} px, ${scheme}) fits without sideways scrolling`, async () => {
      const { page, errors } = await openPage(env.browser.context, "about:blank");
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(env.server.url + fragmentFor(defaultScenario(), 7000));
      await waitForApp(page, 7000);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
      const stage = await page.locator("svg.stage-svg").boundingBox();
      assert.ok(stage.width <= width && stage.width > width * 0.5, `the stage scales (${stage.width} px)`);
      await screenshot(page, `page-${name}-${scheme}`);
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
}

test("messages in flight are drawn on the stage while playing, with their fate as a shape", async () => {
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(defaultScenario(), 1000));
  await waitForApp(page, 1000);
  await page.getByLabel("speed").selectOption("0.01");
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.waitForFunction(() => document.querySelectorAll(".flights .msg.kind-Produce, .flights .msg.kind-ProduceResponse").length > 0);
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  assert.ok(await page.locator(".flights .msg").count() > 0);
  assert.match(await page.locator(".stage-caption").textContent(), /[1-9]\d* messages on the wire/);
  await screenshot(page, "messages-in-flight");
  assert.deepEqual(errors, []);
  await page.close();
});
