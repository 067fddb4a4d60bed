// Playback: play, pause, step, speed, the scrubber going backwards (replaying from the start to
// the very same state, frame by frame with its progress in a long run), fast-forward with its
// progress, and the keyboard shortcuts.
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

test("a step back in a long run replays frame by frame with its progress to the same state", async () => {
  // 60,000 records a second: about 150,000 records by 2.5 s, past what the page replays at once.
  const doc = {
    format: 1, seed: 2, "duration.ms": 3000,
    producers: [{ name: "p", topic: "orders", records: 180000, "records.per.sec": 60000, "linger.ms": 5 }],
  };
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, 2500));
  await waitForApp(page, 2500);
  const straight = await ledger(page);
  const hash = await page.locator("[data-trace-hash]").getAttribute("data-trace-hash");
  const scrubber = page.getByLabel("position");
  await scrubber.fill("3000");
  await waitForApp(page, 3000);
  await page.evaluate(() => {
    window.replayNotes = [];
    new MutationObserver(() => {
      const note = document.querySelector("[role=status].running-to");
      if (note && document.querySelector('progress[aria-label="progress to the position"]')) {
        window.replayNotes.push(note.textContent);
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await scrubber.fill("2500");
  await waitForApp(page, 2500);
  assert.ok((await page.evaluate(() => window.replayNotes)).includes("Running from the start to 2.5 s"));
  assert.equal(await page.locator('progress[aria-label="progress to the position"]').count(), 0);
  assert.deepEqual(await ledger(page), straight);
  // Every send() from 0 to 2.5 s at 60,000 a second, the one at 2.5 s too.
  assert.equal(straight.sent, 150001);
  assert.equal(await page.locator("[data-trace-hash]").getAttribute("data-trace-hash"), hash);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a paused run counts every send() made while its batch lingers, in the ledger and on the producer", async () => {
  // 10 records a second into a batch that waits linger.ms = 1 s: by 550 ms the application has
  // called send() six times (0, 100, ..., 500 ms), and none has reached a broker.
  const doc = {
    format: 1, seed: 1, "duration.ms": 3000,
    producers: [{ name: "p1", topic: "orders", records: 100, "records.per.sec": 10, "linger.ms": 1000, keys: 0 }],
  };
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, 550));
  await waitForApp(page, 550);
  const at550 = await ledger(page);
  assert.deepEqual([at550.sent, at550.pending, at550.acknowledged], [6, 6, 0]);
  assert.match(await page.locator(".stage-svg .producer").first().textContent(), /sent 6\b/);
  await page.getByLabel("position").fill("600");
  await waitForApp(page, 600);
  assert.equal((await ledger(page)).sent, 7);
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

// A busy run takes several frames to fast-forward: each shows the bar, 5 s of simulated time
// further on, until the end, where it goes.
test("a long fast-forward shows its progress frame by frame, 5 simulated seconds a frame", async () => {
  const base = defaultScenario();
  const doc = { ...base, "duration.ms": 30000, actions: [],
    producers: [{ ...base.producers[0], records: 400000, "records.per.sec": 20000 }] };
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, 0));
  await waitForApp(page, 0);
  const watched = page.evaluate(() => new Promise((resolve) => {
    const seen = [];
    const frame = () => {
      const bar = document.querySelector('progress[aria-label="fast-forward progress"]');
      const at = Number(document.querySelector("output.time").dataset.positionMs);
      if (bar) seen.push([Number(bar.value), Number(bar.max)]);
      if (at >= 30000 && !bar) resolve(seen);
      else requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }));
  await page.getByRole("button", { name: "Fast-forward to the end" }).click();
  const seen = await watched;
  const values = [...new Set(seen.map(([v]) => v))];
  assert.ok(values.length >= 3, `progress at ${values.join(", ")} ms`);
  assert.ok(seen.every(([, max]) => max === 30000), "measured against the end");
  assert.ok(values.every((v, i) => v % 5000 === 0 && (i === 0 || v > values[i - 1])), `5 s a frame, forwards: ${values.join(", ")}`);
  await waitForApp(page, 30000);
  assert.deepEqual(errors, []);
  await page.close();
});
