// The client picker: a producer switched to librdkafka takes librdkafka's defaults and labels
// (librdkafka's property names, the Java name beside), gets librdkafka's own partitioner
// choice with the core's list, and the ledger still equals the core's own run of that scenario.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  useServerAndBrowser, openPage, screenshot, waitForApp, ledger, fragmentFor, decodeFragment, cliReport, ledgerOfReport, settledUrl } from "./harness.mjs";
import { PINNED } from "./pinned.mjs";

const env = useServerAndBrowser();

const END = PINNED["duration.ms"];

test("the client picker switches a producer to librdkafka, its names and its partitioner", async () => {
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(PINNED, END));
  await waitForApp(page, END);

  const picker = page.locator('[data-key="producers[0].client"] select');
  assert.deepEqual(await picker.locator("option").allTextContents().then((o) => o.filter((t) => t === "java" || t === "librdkafka")), ["java", "librdkafka"]);
  assert.equal(await page.locator('[data-key="producers[0].partitioner"]').count(), 0, "a Java producer has no librdkafka partitioner");
  assert.equal(await page.getByLabel("linger.ms", { exact: true }).count(), 1);

  await picker.selectOption("librdkafka");
  await page.locator('[data-key="producers[0].partitioner"] select').waitFor();
  const doc = decodeFragment(await settledUrl(page)).doc;
  assert.equal(doc.producers[0].client, "librdkafka");
  // The page says which librdkafka it models.
  await page.getByText("Modelled on librdkafka 2.12.1").first().waitFor();

  // librdkafka's names where they differ, with the Java name beside.
  const linger = page.locator('[data-key="producers[0].linger.ms"]');
  assert.equal(await linger.locator("label").textContent(), "queue.buffering.max.ms");
  assert.match(await linger.textContent(), /Java: linger\.ms/);
  assert.equal(await page.locator('[data-key="producers[0].delivery.timeout.ms"] label').textContent(), "message.timeout.ms");

  // The partitioner's choices are the core's seven.
  const partitioner = page.locator('[data-key="producers[0].partitioner"] select');
  const options = await partitioner.locator("option").allTextContents();
  for (const name of ["random", "consistent", "consistent_random", "murmur2", "murmur2_random", "fnv1a", "fnv1a_random"]) {
    assert.ok(options.includes(name), `${name} in ${JSON.stringify(options)}`);
  }
  await page.waitForTimeout(300);
  assert.deepEqual(await ledger(page), ledgerOfReport(cliReport(doc)));
  await screenshot(page, "client-librdkafka");

  await partitioner.selectOption("murmur2_random");
  await page.waitForFunction(() => location.hash && document.querySelector('[data-key="producers[0].partitioner"] select').value === "murmur2_random");
  await page.waitForTimeout(300);
  const murmur = decodeFragment(await settledUrl(page)).doc;
  assert.equal(murmur.producers[0].partitioner, "murmur2_random");
  assert.deepEqual(await ledger(page), ledgerOfReport(cliReport(murmur)));

  assert.deepEqual(errors, []);
  await page.close();
});
