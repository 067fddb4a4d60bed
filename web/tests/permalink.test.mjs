// The address always holds the scenario, its timeline and the position: open, change, reload,
// and the page shows the same state and figures.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  useServerAndBrowser, openPage, waitForApp, ledger, decodeFragment, defaultScenario, settledUrl } from "./harness.mjs";

const env = useServerAndBrowser();

test("a permalink round-trips: open, change, reload gives the same state and figures", async () => {
  const { page, errors } = await openPage(env.browser.context, env.server.url);
  await waitForApp(page, 0);
  await page.getByLabel("acks", { exact: true }).selectOption("1");
  await page.getByLabel("linger.ms", { exact: true }).fill("5");
  await page.getByLabel("linger.ms", { exact: true }).press("Tab");
  // Move with the keyboard: three seconds on.
  await page.locator("h1").click();
  for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight");
  await waitForApp(page, 3000);
  await page.waitForFunction(() => location.hash.endsWith("&t=3000"));
  const { doc, positionMs } = decodeFragment(await settledUrl(page));
  assert.equal(positionMs, 3000);
  assert.equal(doc.producers[0].acks, "1");
  assert.equal(doc.producers[0]["linger.ms"], 5);
  assert.deepEqual({ ...doc, producers: defaultScenario().producers }, defaultScenario());
  const figures = await ledger(page);
  const hash = await page.locator("[data-trace-hash]").getAttribute("data-trace-hash");
  const url = await settledUrl(page);

  await page.reload();
  await waitForApp(page, 3000);
  assert.equal(await settledUrl(page), url);
  assert.equal(await page.getByLabel("acks", { exact: true }).inputValue(), "1");
  assert.equal(await page.getByLabel("linger.ms", { exact: true }).inputValue(), "5");
  assert.deepEqual(await ledger(page), figures);
  assert.equal(await page.locator("[data-trace-hash]").getAttribute("data-trace-hash"), hash);

  // The link in "Share link" is the same address.
  await page.getByRole("button", { name: "Share link" }).click();
  assert.equal(await page.locator("input.share-link").inputValue(), url);
  assert.deepEqual(errors, []);
  await page.close();
});
