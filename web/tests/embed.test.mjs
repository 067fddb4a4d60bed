// Embed mode (`?embed=1`): the stage, the ledger and the playback bar only, the controls the
// course author names, and a link to the full page with the same scenario; under a sub-path too.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  useServerAndBrowser, openPage, screenshot, waitForApp, fragmentFor, defaultScenario,
  SUB_PATH, decodeFragment, settledUrl } from "./harness.mjs";

const env = useServerAndBrowser({ viewport: { width: 720, height: 560 } });

test("embed mode hides everything but the stage, the ledger, playback and the chosen controls", async () => {
  const fragment = fragmentFor(defaultScenario(), 4000);
  const url = env.server.url + SUB_PATH.slice(1) + "?embed=1&controls=acks,send.mode" + fragment;
  const { page, errors } = await openPage(env.browser.context, url);
  await waitForApp(page, 4000);
  assert.equal(await page.locator("main[aria-label=Stage] svg.stage-svg").count(), 1);
  assert.equal(await page.locator("section[aria-label='Outcome ledger']").count(), 1);
  assert.equal(await page.locator("section[aria-label=Playback]").count(), 1);
  assert.equal(await page.getByLabel("acks", { exact: true }).count(), 1);
  assert.equal(await page.getByLabel("send.mode", { exact: true }).count(), 1);
  for (const hidden of ["retries", "linger.ms", "max.in.flight.requests.per.connection", "kafka.version"]) {
    assert.equal(await page.getByLabel(hidden, { exact: true }).count(), 0, `${hidden} is hidden`);
  }
  for (const region of ["Event log", "Charts"]) {
    assert.equal(await page.locator(`section[aria-label='${region}']`).count(), 0, `${region} is hidden`);
  }
  // The page's copy in index.html stays hidden where the app leaves it.
  assert.equal(await page.locator(".simplifications").isVisible(), false);
  // The stage fits the iframe's width.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth));

  const open = page.getByRole("link", { name: "Open in playground" });
  await settledUrl(page);
  const href = await open.getAttribute("href");
  assert.ok(!href.includes("embed="), "the full page has no embed parameter");
  assert.ok(href.startsWith(env.server.url + SUB_PATH.slice(1) + "#s="), href);
  assert.deepEqual(decodeFragment(href).doc, defaultScenario());
  assert.equal(decodeFragment(href).positionMs, 4000);
  await screenshot(page, "embed");
  assert.deepEqual(errors, []);
  await page.close();
});

test("embed mode without controls shows none", async () => {
  const { page } = await openPage(env.browser.context, env.server.url + "?embed=1");
  await waitForApp(page, 0);
  assert.equal(await page.locator(".panel-settings").count(), 0);
  assert.equal(await page.locator("select, input[type=text]").count() <= 1, true);
  await page.close();
});

test("a control several producers have is shown once for each, grouped under the producer's name", async () => {
  const doc = defaultScenario();
  doc.producers.push({ ...doc.producers[0], name: "p2" });
  const { page, errors } = await openPage(env.browser.context, env.server.url + "?embed=1&controls=acks" + fragmentFor(doc, 0));
  await waitForApp(page, 0);
  const groups = page.locator(".settings-embed fieldset");
  assert.deepEqual(await groups.locator("legend").allTextContents(), [`Producer ${doc.producers[0].name}`, "Producer p2"]);
  const p2 = page.getByRole("group", { name: "Producer p2" });
  assert.equal(await p2.getByLabel("acks", { exact: true }).count(), 1);
  await p2.getByLabel("acks", { exact: true }).selectOption("0");
  await page.waitForFunction(() => location.hash.length > 0);
  await page.waitForFunction(() => document.querySelectorAll(".settings-embed select")[1]?.value === "0");
  assert.notEqual(await page.locator(".settings-embed select").first().inputValue(), "0", "only p2's acks changed");
  assert.deepEqual(errors, []);
  await page.close();
});
