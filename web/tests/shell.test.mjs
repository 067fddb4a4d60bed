// The app shell: rendered by the wasm build, with no console errors, also under a sub-path,
// and a visible message when the wasm cannot load.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  useServerAndBrowser, launchBrowser, openPage, screenshot, SUB_PATH,
} from "./harness.mjs";

const env = useServerAndBrowser();

test("the wasm build renders the app shell without console errors", async () => {
  const { page, errors } = await openPage(env.browser.context, env.server.url);
  const app = page.locator("[data-rendered-by=wasm]");
  await app.waitFor({ timeout: 20000 });
  assert.equal(await page.locator("h1").textContent(), "Kafka Playground");
  assert.match(await page.locator("footer").textContent(), /Kafka Playground v\d+\.\d+\.\d+/);
  assert.equal(await page.locator("main[aria-label=Stage]").count(), 1);
  assert.equal(await page.locator("#fatal").isHidden(), true);
  // The simplifications, written in index.html, sit in the settings column, listed in full.
  const simplifications = page.locator("aside[aria-label=Settings] details.simplifications");
  assert.equal(await simplifications.isVisible(), true);
  await simplifications.locator("summary").click();
  assert.equal(await simplifications.locator("li").count(), 13);
  assert.match(await simplifications.locator("li").first().textContent(), /^Time is simulated: /);
  await screenshot(page, "shell");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the page works when hosted under a sub-path", async () => {
  const { page, errors } = await openPage(env.browser.context, env.server.url + SUB_PATH.slice(1));
  await page.locator("[data-rendered-by=wasm]").waitFor({ timeout: 20000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test("a page whose wasm fails to load shows a visible message", async () => {
  const page = await env.browser.context.newPage();
  await page.route("**/*.wasm", (route) => route.fulfill({ status: 404, body: "gone" }));
  await page.goto(env.server.url);
  const fatal = page.locator("#fatal");
  await fatal.waitFor({ state: "visible", timeout: 25000 });
  assert.match(await fatal.textContent(), /could not start/);
  await page.close();
});

test("the noscript message explains that JavaScript is needed", async () => {
  const context = (await launchBrowser({ javaScriptEnabled: false }));
  try {
    const page = await context.context.newPage();
    await page.goto(env.server.url);
    assert.match(await page.locator("body").textContent(), /needs JavaScript/);
  } finally {
    await context.close();
  }
});
