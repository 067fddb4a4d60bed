// Serializers and schema evolution on the page (issue #12): a reader upgraded before its
// producer is stuck on a poison pill; the stage's menus add upgrades and compatibility changes
// to the timeline at the current position, and the figures follow `kafka-sim run` of the
// edited document.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  useServerAndBrowser, openPage, screenshot, waitForApp, fragmentFor, decodeFragment, ledger, cliReport, ledgerOfReport, settledUrl } from "./harness.mjs";

const env = useServerAndBrowser();

const field = (name, type, extra = {}) => ({ name, type, ...extra });
const supplier = (...more) => ({
  type: "record", name: "Supplier",
  fields: [field("id", "int"), field("name", "string"), field("startDate", "string"), ...more],
});

/** One topic, one producer and one group, both on `serializer` and Supplier@1. */
function scenario(serializer, email, actions) {
  return {
    format: 1, seed: 7, "kafka.version": "3.9", "duration.ms": 16000,
    topics: [{ name: "suppliers", partitions: 1, "replication.factor": 3 }],
    schemas: { Supplier: [supplier(), supplier(email)] },
    producers: [{ name: "p1", topic: "suppliers", records: 1000, "records.per.sec": 100,
                  "value.serializer": serializer, "value.schema": "Supplier@1" }],
    groups: [{ "group.id": "app", topics: ["suppliers"], "auto.offset.reset": "earliest",
               "value.deserializer": serializer, "value.schema": "Supplier@1" }],
    actions,
  };
}

/** Moves the playback to `ms` with the scrubber, as a drag would. */
async function scrubTo(page, ms) {
  await page.locator("input.scrubber").evaluate((el, v) => {
    el.value = v;
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, String(ms));
  await waitForApp(page, ms);
}

/** Opens a stage node's menu from the keyboard and picks `item`. */
async function choose(page, node, item) {
  await node.focus();
  await page.keyboard.press("Enter");
  await page.getByRole("menuitem", { name: item }).click();
}

async function toTheEnd(page, doc) {
  await page.getByRole("button", { name: "Fast-forward to the end" }).click();
  await waitForApp(page, doc["duration.ms"]);
}

test("a custom reader upgraded first is stuck on a poison pill; upgrading the producer first from the stage avoids it", async () => {
  const doc = scenario("custom", field("email", "string", { default: "" }),
    [{ "at.ms": 8000, do: "upgrade-group", "group.id": "app", "value.schema": "Supplier@2" }]);
  const before = cliReport(doc);
  assert.ok(before.consumed["deserialization.errors"] > 0, JSON.stringify(before.consumed));
  const end = doc["duration.ms"];
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, end));
  await waitForApp(page, end);

  const stuck = page.locator('.group-box[data-group="app"] .stuck');
  assert.match(await stuck.textContent(), /⚠ poll\(\) stuck at suppliers-0 @\d+/);
  assert.deepEqual(await ledger(page), ledgerOfReport(before));

  // The group's own menu offers the other reader version (it reads Supplier@2 by now).
  await page.locator('.group-box[data-group="app"] > .node').focus();
  await page.keyboard.press("Enter");
  assert.deepEqual(await page.locator(".node-menu [role=menuitem]").allTextContents(),
    ["Move readers to Supplier@1", "Close"]);
  await screenshot(page, "serde-stuck-group-menu");
  await page.keyboard.press("Escape");

  // Producers first: p1 is upgraded at 4 s, before the readers at 8 s.
  await scrubTo(page, 4000);
  await choose(page, page.locator('[data-producer="p1"][role=button]'), "Upgrade to Supplier@2");
  await page.waitForFunction(() =>
    /upgrade-producer p1 → Supplier@2 @4\.0 s/.test(document.querySelector(".timeline")?.textContent ?? ""));
  const edited = decodeFragment(await settledUrl(page)).doc;
  assert.deepEqual(edited.actions, [
    ...doc.actions,
    { "at.ms": 4000, do: "upgrade-producer", producer: "p1", "value.schema": "Supplier@2" },
  ]);

  await toTheEnd(page, doc);
  const after = cliReport(edited);
  assert.deepEqual(await ledger(page), ledgerOfReport(after));
  assert.equal(after.consumed["deserialization.errors"], 0, JSON.stringify(after.consumed));
  assert.equal(await stuck.count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test("an Avro producer's upgrade refused under BACKWARD goes through once the registry is set to FORWARD from the stage", async () => {
  // email without a default: the new schema cannot read the old (BACKWARD refuses it), the
  // old can read the new (FORWARD accepts it).
  const doc = scenario("avro", field("email", "string"),
    [{ "at.ms": 6000, do: "upgrade-producer", producer: "p1", "value.schema": "Supplier@2" }]);
  const before = cliReport(doc);
  assert.ok(before.records["serialization.failed"] > 0, JSON.stringify(before.records));
  const end = doc["duration.ms"];
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, end));
  await waitForApp(page, end);
  const registry = page.locator(".registry[role=button]");
  assert.match(await registry.textContent(), /refused \(409\)/);
  assert.deepEqual(await ledger(page), ledgerOfReport(before));

  await scrubTo(page, 2000);
  await registry.focus();
  await page.keyboard.press("Enter");
  // The core's six other modes than BACKWARD, for the scenario's one subject.
  assert.deepEqual(await page.locator(".node-menu [role=menuitem]").allTextContents(),
    ["BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE", "NONE"]
      .map((m) => `Compatibility: ${m}`).concat("Close"));
  await screenshot(page, "serde-registry-menu");
  await page.getByRole("menuitem", { name: "Compatibility: FORWARD", exact: true }).click();
  await page.waitForFunction(() =>
    /set-compatibility suppliers-value → FORWARD @2\.0 s/.test(document.querySelector(".timeline")?.textContent ?? ""));
  const edited = decodeFragment(await settledUrl(page)).doc;
  assert.deepEqual(edited.actions, [
    ...doc.actions,
    { "at.ms": 2000, do: "set-compatibility", subject: "suppliers-value", compatibility: "FORWARD" },
  ]);

  await toTheEnd(page, doc);
  const after = cliReport(edited);
  assert.deepEqual(await ledger(page), ledgerOfReport(after));
  assert.equal(after.records["serialization.failed"], 0, JSON.stringify(after.records));
  assert.doesNotMatch(await registry.textContent(), /refused/);
  assert.deepEqual(errors, []);
  await page.close();
});
