// A permalink with an add-partitions action: the timeline lists it, the event log says when the
// topic grew, and after the group leader's metadata refresh the group owns the new partitions.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  useServerAndBrowser, openPage, screenshot, waitForApp, ledger, fragmentFor, defaultScenario,
} from "./harness.mjs";

const env = useServerAndBrowser();

test("adding partitions shows on the timeline, in the event log and in the group", async () => {
  const base = defaultScenario();
  const doc = {
    ...base,
    groups: [{ ...base.groups[0], "metadata.max.age.ms": 5000 }],
    actions: [{ "at.ms": 10000, do: "add-partitions", topic: "orders", partitions: 6 }],
  };
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, 20000));
  await waitForApp(page, 20000);
  assert.match(await page.locator(".timeline").textContent(), /add-partitions orders to 6 @10\.0 s/);

  const log = page.locator(".event-log");
  await log.getByLabel("kind").selectOption("partitions-added");
  const added = await log.locator(".event-lines li").allTextContents();
  assert.equal(added.length, 1, added.join(" | "));
  assert.match(added[0], /^\s*10\.000 s\s*orders now has 6 partitions: orders-4 on brokers \[1, 2, 0\], leader 1; orders-5/);

  const group = page.locator('.group[data-group="g1"]');
  assert.match(await group.textContent(), /orders-5/);
  assert.match(await group.locator(".group-state").textContent(), /generation 2/);
  assert.equal((await ledger(page)).rebalances, 2);
  await screenshot(page, "add-partitions");
  assert.deepEqual(errors, []);
  await page.close();
});
