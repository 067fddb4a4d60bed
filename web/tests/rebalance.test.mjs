// Adding a consumer from the stage rebalances its group: the group shows its state and a new
// generation, and the ledger counts the rebalance.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  useServerAndBrowser, openPage, screenshot, waitForApp, ledger, fragmentFor, defaultScenario,
} from "./harness.mjs";

const env = useServerAndBrowser();

test("adding a consumer shows a rebalance", async () => {
  const doc = { ...defaultScenario(), actions: [] };
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, 8000));
  await waitForApp(page, 8000);
  const group = page.locator('.group[data-group="g1"]');
  await group.waitFor();
  const state = group.locator(".group-state");
  assert.equal(await state.count(), 1,
    "the engine reports consumer group g1 (its state and generation); this build's engine has no consumer groups yet");
  const generationBefore = Number((await state.textContent()).match(/generation (\d+)/)[1]);
  const rebalancesBefore = (await ledger(page)).rebalances;

  await group.getByRole("button", { name: "Add a consumer" }).click();
  await page.waitForFunction(() => /add-consumer g1 @8\.0 s/.test(document.querySelector(".timeline")?.textContent ?? ""));
  // Forward through the join: the group leaves Stable, then settles on a new generation.
  await page.locator("h1").click();
  let sawRebalance = false;
  for (let i = 0; i < 40 && !sawRebalance; i++) {
    await page.keyboard.press("Shift+ArrowRight");
    sawRebalance = !/Stable/.test(await state.textContent());
  }
  assert.ok(sawRebalance, "the group rebalances (its state leaves Stable)");
  await screenshot(page, "rebalance");
  await page.getByRole("button", { name: "Fast-forward to the end" }).click();
  await waitForApp(page, 20000);
  const generationAfter = Number((await state.textContent()).match(/generation (\d+)/)[1]);
  assert.ok(generationAfter > generationBefore, `a new generation (${generationBefore} → ${generationAfter})`);
  assert.ok((await ledger(page)).rebalances > rebalancesBefore, "the ledger counts the rebalance");
  assert.equal(await group.locator(".member").count(), 3);
  assert.deepEqual(errors, []);
  await page.close();
});
