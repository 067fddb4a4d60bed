// Screenshots of the page's main states (saved to web/test-results/ as artifacts), and the
// layout from a 360 px phone to a wide screen: no sideways scrolling, the stage scales (on a
// phone it keeps a legible scale and scrolls sideways inside its box).
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
      if (width > 600) {
        assert.ok(stage.width <= width && stage.width > width * 0.5, `the stage scales (${stage.width} px)`);
      } else {
        // A phone: the drawing keeps a legible scale (fitted to 360 px its text was 4 px tall)
        // and scrolls sideways inside its box, the messages' layer with it.
        assert.ok(stage.width >= 640, `the stage keeps its scale (${stage.width} px)`);
        const box = await page.locator(".stage-canvas").boundingBox();
        assert.ok(box.x >= 0 && box.x + box.width <= width, "the stage's box fits the screen");
        const flights = await page.locator("svg.flights").boundingBox();
        assert.deepEqual([flights.x, flights.y, flights.width, flights.height], [stage.x, stage.y, stage.width, stage.height]);
        const fontPx = await page.evaluate(() => {
          const t = document.querySelector("svg.stage-svg text");
          return t.getBoundingClientRect().height;
        });
        assert.ok(fontPx >= 8, `the stage's text is ${fontPx} px tall`);
        await page.locator(".stage-canvas").evaluate((c) => { c.scrollLeft = c.scrollWidth; });
        const scrolled = await page.locator("svg.flights").boundingBox();
        const moved = await page.locator("svg.stage-svg").boundingBox();
        assert.ok(moved.x < stage.x, "the stage scrolls sideways");
        assert.equal(scrolled.x, moved.x, "the messages' layer scrolls with it");
        await page.locator(".stage-canvas").evaluate((c) => { c.scrollLeft = 0; });
      }
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
