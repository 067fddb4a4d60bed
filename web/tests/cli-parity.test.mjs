// The page and the command line run the same core: for the same scenario they report the same
// figures and the same trace hash. Needs target/release/kafka-sim (or $KAFKA_SIM_CLI) built
// from the current sources; without it this test fails, it never skips.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  useServerAndBrowser, openPage, waitForApp, ledger, fragmentFor, cliReport, ledgerOfReport, defaultScenario,
} from "./harness.mjs";
import { PINNED } from "./pinned.mjs";

const env = useServerAndBrowser();

const SCENARIOS = [
  ["the default scenario", defaultScenario()],
  ["the pinned reordering scenario", PINNED],
  ["fire-and-forget with acks=0 and a leader crash", {
    ...defaultScenario(),
    producers: [{ ...defaultScenario().producers[0], "send.mode": "fire-and-forget", acks: "0" }],
  }],
];

for (const [what, doc] of SCENARIOS) {
  test(`page and command line report the same figures for ${what}`, async () => {
    const report = cliReport(doc);
    const end = doc["duration.ms"];
    const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, end));
    await waitForApp(page, end);
    assert.deepEqual(await ledger(page), ledgerOfReport(report));
    assert.equal(await page.locator("[data-trace-hash]").getAttribute("data-trace-hash"), report["trace.hash"]);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test("page and command line give the same notes on what Kafka changes quietly", async () => {
  const base = defaultScenario();
  const doc = { ...base, producers: [{ ...base.producers[0], acks: "1" }] };
  delete doc.producers[0]["enable.idempotence"];
  const report = cliReport(doc);
  const cliNotes = report.notes.map((n) => `${n.path}: ${n.message}`);
  assert.ok(cliNotes.some((n) => n.startsWith("producers[0].enable.idempotence: ")), cliNotes.join(" | "));
  const end = doc["duration.ms"];
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, end));
  await waitForApp(page, end);
  const pageNotes = (await page.locator(".notes li").allTextContents()).map((t) => t.trim());
  assert.deepEqual(pageNotes, cliNotes);
  assert.deepEqual(errors, []);
  await page.close();
});
