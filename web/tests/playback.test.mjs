// Playback: play, pause, step, speed, the scrubber going backwards (replaying from checkpoints to
// the very same state), fast-forward with its progress, and the keyboard shortcuts.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  useServerAndBrowser, openPage, waitForApp, ledger, positionMs, fragmentFor, defaultScenario,
} from "./harness.mjs";

const env = useServerAndBrowser();

test("space plays and pauses, arrows move by a second, period steps to the next event", async () => {
  const { page, errors } = await openPage(env.browser.context, env.server.url);
  await waitForApp(page, 0);
  await page.locator("h1").click();
  await page.keyboard.press("Space");
  await page.waitForFunction(() => Number(document.querySelector("output.time").dataset.positionMs) > 0);
  await page.keyboard.press("Space");
  const paused = await positionMs(page);
  await page.waitForTimeout(200);
  assert.equal(await positionMs(page), paused);
  await page.keyboard.press("ArrowRight");
  await waitForApp(page, paused + 1000);
  await page.keyboard.press("ArrowLeft");
  await waitForApp(page, paused);
  await page.keyboard.press(".");
  assert.ok(await positionMs(page) >= paused);
  assert.deepEqual(errors, []);
  await page.close();
});

test("scrubbing backwards replays the same run", async () => {
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(defaultScenario(), 9300));
  await waitForApp(page, 9300);
  const straight = await ledger(page);
  const hash = await page.locator("[data-trace-hash]").getAttribute("data-trace-hash");
  const scrubber = page.getByLabel("position");
  await scrubber.fill("15000");
  await waitForApp(page, 15000);
  await scrubber.fill("3100");
  await waitForApp(page, 3100);
  await scrubber.fill("9300");
  await waitForApp(page, 9300);
  assert.deepEqual(await ledger(page), straight);
  assert.equal(await page.locator("[data-trace-hash]").getAttribute("data-trace-hash"), hash);
  assert.deepEqual(errors, []);
  await page.close();
});

test("fast-forward runs to the end with a progress bar", async () => {
  const { page, errors } = await openPage(env.browser.context, env.server.url);
  await waitForApp(page, 0);
  await page.getByRole("button", { name: "Fast-forward to the end" }).click();
  await waitForApp(page, 20000);
  const figures = await ledger(page);
  assert.equal(figures.pending + figures.acknowledged + figures.failed + figures.lost <= figures.sent + figures.duplicated, true);
  assert.ok(figures.sent > 0);
  assert.deepEqual(errors, []);
  await page.close();
});
