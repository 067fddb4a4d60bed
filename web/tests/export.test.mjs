// Export config: per producer its producer.properties and Java snippet, per group its
// consumer.properties and poll loop, exactly the text of `kafka-sim export`; Copy by keyboard,
// with "Copied" announced.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser, openPage, screenshot, waitForApp, fragmentFor, defaultScenario } from "./harness.mjs";
import { cli } from "./teach-helpers.mjs";

const env = useServerAndBrowser({ viewport: { width: 1280, height: 1000 } });

const base = defaultScenario();
const SCENARIOS = [
  ["the default scenario", base],
  ["acks=1 (idempotence quietly off) with two producers and two groups", {
    ...base,
    producers: [
      { ...base.producers[0], acks: "1", "enable.idempotence": undefined, "send.mode": "sync" },
      { name: "p2", topic: "orders", "send.mode": "fire-and-forget", "linger.ms": 20 },
    ],
    groups: [...(base.groups ?? []), { "group.id": "audit", topics: ["orders"], consumers: 1, "enable.auto.commit": false, "partition.assignment.strategy": "cooperative-sticky" }],
  }],
  ["Kafka 2.0", { format: 1, "kafka.version": "2.0", producers: [{ name: "old", topic: "orders" }], groups: [{ "group.id": "g", topics: ["orders"] }] }],
];

/** The panel's texts put together as `kafka-sim export` prints them. */
async function pageExport(page) {
  const pieces = await page.locator(".export-piece").evaluateAll((fs) => fs.map((f) => ({
    heading: f.querySelector("figcaption span").textContent,
    text: f.querySelector("pre").textContent,
  })));
  let out = "";
  for (let i = 0; i < pieces.length; i += 2) {
    out += `${pieces[i].text}\n// ${pieces[i + 1].heading}\n${pieces[i + 1].text}\n`;
  }
  return out;
}

for (const [what, raw] of SCENARIOS) {
  test(`Export config shows kafka-sim export's text for ${what}`, async () => {
    const doc = JSON.parse(JSON.stringify(raw));
    const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc));
    await waitForApp(page);
    await page.getByRole("button", { name: "Export config" }).click();
    await page.locator(".export-piece").first().waitFor();
    assert.equal(await pageExport(page), cli(["export"], doc));
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test("Copy works from the keyboard and says so", async () => {
  const origin = env.server.url.replace(/\/$/, "");
  await env.browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(base));
  await waitForApp(page);
  const toggle = page.getByRole("button", { name: "Export config" });
  await toggle.focus();
  await page.keyboard.press("Enter");
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  const copy = page.getByRole("button", { name: "Copy producer.properties of producer p1" });
  await copy.focus();
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "Copy producer.properties of producer p1" }).filter({ hasText: "Copied" }).waitFor();
  assert.equal(await page.locator(".export-panel [aria-live=polite]").textContent(), "Copied to the clipboard");
  const expected = await page.locator(".export-properties pre").first().textContent();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), expected);
  await screenshot(page, "export-panel");
  await page.setViewportSize({ width: 360, height: 800 });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), "no sideways scrolling at 360 px");
  await screenshot(page, "export-panel-360");
  assert.deepEqual(errors, []);
  await page.close();
});
