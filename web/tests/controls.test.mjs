// The labelled controls drive the run: changing send mode, acks or the in-flight window changes
// the ledger exactly as the core predicts (its command line, on the same scenario), and an
// invalid combination shows Kafka's rule beside the control and does not run.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  useServerAndBrowser, openPage, screenshot, waitForApp, ledger, fragmentFor, decodeFragment, cliReport, ledgerOfReport, settledUrl } from "./harness.mjs";
import { PINNED } from "./pinned.mjs";

const env = useServerAndBrowser();

const END = PINNED["duration.ms"];

test("the in-flight window, acks and send mode change the ledger as the core predicts", async () => {
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(PINNED, END));
  await waitForApp(page, END);

  const window5 = await ledger(page);
  assert.ok(window5.reordered > 0, `a window of 5 without idempotence reorders after a retry (got ${JSON.stringify(window5)})`);
  assert.deepEqual(window5, ledgerOfReport(cliReport(PINNED)));
  await screenshot(page, "controls-window-5");

  const window = page.getByLabel("max.in.flight.requests.per.connection", { exact: true });
  await window.fill("1");
  await window.press("Tab");
  await page.waitForFunction(() => document.querySelector('[data-figure="reordered"] .figure-value')?.textContent === "0");
  const window1 = await ledger(page);
  assert.equal(window1.reordered, 0, "a window of 1 keeps order");
  const doc1 = decodeFragment(await settledUrl(page)).doc;
  assert.equal(doc1.producers[0]["max.in.flight.requests.per.connection"], 1);
  assert.deepEqual(window1, ledgerOfReport(cliReport(doc1)));

  await page.getByLabel("send.mode", { exact: true }).selectOption("sync");
  await page.waitForTimeout(300);
  const syncDoc = decodeFragment(await settledUrl(page)).doc;
  assert.equal(syncDoc.producers[0]["send.mode"], "sync");
  const sync = await ledger(page);
  assert.ok(sync.sent < window1.sent, `sync mode sends one record per round trip (sync ${sync.sent}, async ${window1.sent})`);
  assert.deepEqual(sync, ledgerOfReport(cliReport(syncDoc)));
  await screenshot(page, "controls-sync");
  await page.getByLabel("acks", { exact: true }).selectOption("0");
  await page.waitForFunction(() => location.hash && document.querySelector('[data-key="producers[0].acks"] select').value === "0");
  await page.waitForTimeout(200);
  const acks0doc = decodeFragment(await settledUrl(page)).doc;
  assert.equal(acks0doc.producers[0].acks, "0");
  const acks0 = await ledger(page);
  assert.ok(acks0.sent > sync.sent, "with acks=0 a sync producer waits for nothing");
  assert.ok(acks0.lost > 0, "acks=0 loses the records the injected errors refused");
  assert.deepEqual(acks0, ledgerOfReport(cliReport(acks0doc)));

  assert.deepEqual(errors, []);
  await page.close();
});

test("an invalid combination shows Kafka's rule beside its control and does not run", async () => {
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(PINNED, 1000));
  await waitForApp(page, 1000);
  const before = await ledger(page);
  const isr = page.getByLabel("min.insync.replicas", { exact: true });
  await isr.fill("5");
  await isr.press("Tab");
  const field = page.locator('[data-key="topics[0].min.insync.replicas"] .field-error');
  await field.waitFor();
  assert.match(await field.textContent(), /replication.factor/);
  assert.equal(await isr.getAttribute("aria-invalid"), "true");
  assert.match(await page.locator(".problems").textContent(), /topics\[0\]\.min\.insync\.replicas/);
  assert.equal(await page.locator("main.stage.stale").count(), 1, "the last valid run stays, dimmed");
  assert.deepEqual(await ledger(page), before);
  assert.equal(await page.getByRole("button", { name: "Play", exact: true }).isDisabled(), true, "an invalid scenario does not play");
  await screenshot(page, "invalid-scenario");
  await isr.fill("");
  await isr.press("Tab");
  await page.locator(".problems").waitFor({ state: "detached" });
  assert.deepEqual(errors, []);
  await page.close();
});

test("a number field reads every float form as a number, and other text as text the reader refuses", async () => {
  const { page, errors } = await openPage(env.browser.context, env.server.url);
  await waitForApp(page, 0);
  const latency = page.getByLabel("latency.ms", { exact: true });
  // The document in the address once it holds `want` (the permalink follows each edit).
  const latencyIn = async (want) => {
    for (let i = 0; i < 50 && decodeFragment(await settledUrl(page)).doc.network?.["latency.ms"] !== want; i++) {
      await page.waitForTimeout(100);
    }
    return decodeFragment(await settledUrl(page)).doc.network?.["latency.ms"];
  };
  for (const [text, number] of [[".5", 0.5], ["2.", 2], ["+1.25e1", 12.5], ["3E-1", 0.3], ["007.50", 7.5]]) {
    await latency.fill(text);
    await latency.press("Tab");
    assert.equal(await latencyIn(number), number, `"${text}" is the number ${number}`);
    assert.equal(await latency.getAttribute("aria-invalid"), "false");
  }
  for (const text of ["1.5abc", "inf", "1e400"]) {
    await latency.fill(text);
    await latency.press("Tab");
    assert.equal(await latencyIn(text), text, `"${text}" stays text`);
    await page.locator('[data-key="network.latency.ms"] .field-error').waitFor();
  }
  assert.deepEqual(errors, []);
  await page.close();
});
