// A broker crash clicked on the stage lands on the timeline at the current position, and the
// controller's leader election follows on the stage and in the event log.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  useServerAndBrowser, openPage, screenshot, waitForApp, fragmentFor, decodeFragment, defaultScenario, ledger, settledUrl } from "./harness.mjs";

const env = useServerAndBrowser();

test("crashing a broker from the stage shows a leader election", async () => {
  const doc = { ...defaultScenario(), actions: [] };
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, 2000));
  await waitForApp(page, 2000);

  // Broker 0 leads some partitions before the crash.
  const broker = page.locator('[data-broker="0"][role=button]');
  assert.match(await broker.textContent(), /broker 0 · leader of [1-9]/);
  await broker.focus();
  await page.keyboard.press("Enter");
  await page.getByRole("menuitem", { name: "Crash broker 0" }).click();
  await page.waitForFunction(() => /crash-broker b0 @2\.0 s/.test(document.querySelector(".timeline")?.textContent ?? ""));
  assert.deepEqual(decodeFragment(await settledUrl(page)).doc.actions, [{ "at.ms": 2000, do: "crash-broker", broker: 0 }]);
  // The controller has not noticed yet (broker.session.timeout.ms): it still names broker 0
  // the leader of its partitions.
  assert.match(await broker.textContent(), /broker 0 · ✖ down, leads [1-9]/);

  await page.getByRole("button", { name: "Fast-forward to the end" }).click();
  await waitForApp(page, 20000);
  const log = page.locator(".event-log");
  await log.getByLabel("kind").selectOption("leader-elected");
  const lines = await log.locator(".event-lines li").allTextContents();
  const elections = lines
    .map((l) => l.match(/^\s*([\d.]+) s\s*broker (\d+) is now leader of (\S+), epoch (\d+)/))
    .filter((m) => m && Number(m[1]) >= 2 && Number(m[4]) >= 1);
  assert.ok(elections.length > 0, `a leader election after the crash (log: ${lines.slice(0, 5).join(" | ")})`);
  assert.ok(elections.every((m) => m[2] !== "0"), "the crashed broker is not elected");
  assert.match(await broker.textContent(), /down/);
  assert.doesNotMatch(await broker.textContent(), /leads/, "fenced, its partitions moved");
  await screenshot(page, "broker-crash");
  assert.deepEqual(errors, []);
  await page.close();
});

// The page's most natural pair of clicks: crash a broker, restart it a few seconds later. The
// restarted broker registers once its old session has expired, rejoins, and every record the
// producer sent is acknowledged (issue #10: it used to stay out for good and stall acks=all).
test("a broker crashed and restarted from the stage comes back and nothing stays pending", async () => {
  const doc = { ...defaultScenario(), actions: [{ "at.ms": 2000, do: "crash-broker", broker: 0 }] };
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, 5000));
  await waitForApp(page, 5000);

  const broker = page.locator('[data-broker="0"][role=button]');
  assert.match(await broker.textContent(), /down/);
  await broker.focus();
  await page.keyboard.press("Enter");
  await page.getByRole("menuitem", { name: "Restart broker 0" }).click();
  await page.waitForFunction(() => /restart-broker b0 @5\.0 s/.test(document.querySelector(".timeline")?.textContent ?? ""));

  await page.getByRole("button", { name: "Fast-forward to the end" }).click();
  await waitForApp(page, 20000);
  assert.doesNotMatch(await broker.textContent(), /down/);
  const log = page.locator(".event-log");
  await log.getByLabel("kind").selectOption("broker-registered");
  const lines = await log.locator(".event-lines li").allTextContents();
  assert.ok(lines.some((l) => /broker 0 registered a new incarnation/.test(l)), lines.join(" | "));
  const figures = await ledger(page);
  assert.equal(figures.pending, 0, JSON.stringify(figures));
  assert.equal(figures.acknowledged, figures.sent, JSON.stringify(figures));
  await screenshot(page, "broker-crash-restart");
  assert.deepEqual(errors, []);
  await page.close();
});

// A broker card's title with a long status (a ZooKeeper-era controller; a crashed broker the
// controller still names leader) stays clear of the card's column legend.
test("a broker card's status does not run into its column legend", async () => {
  const doc = { ...defaultScenario(), "kafka.version": "2.8", actions: [{ "at.ms": 1000, do: "crash-broker", broker: 2 }] };
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, 3000));
  await waitForApp(page, 3000);
  const texts = await page.locator("main svg.stage-svg g.broker").evaluateAll((gs) => gs.map((g) => {
    const title = g.querySelector("text.title").getBoundingClientRect();
    const legend = g.querySelector("text.legend").getBoundingClientRect();
    return { text: g.querySelector("text.title").textContent, clear: title.right <= legend.left };
  }));
  assert.ok(texts.some((t) => /★ controller, leader of/.test(t.text)), JSON.stringify(texts));
  assert.ok(texts.some((t) => /broker 2 · ✖ down, leads [1-9]/.test(t.text)), JSON.stringify(texts));
  assert.ok(texts.every((t) => t.clear), JSON.stringify(texts));
  assert.deepEqual(errors, []);
  await page.close();
});
