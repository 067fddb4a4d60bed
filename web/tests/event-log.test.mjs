// The event log's node filter names each node as the stage and the lines do (p1, g1-c2,
// broker 3), lists them in node order (broker 2 before broker 10), and narrows to the one
// chosen.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser, openPage, waitForApp, fragmentFor, defaultScenario } from "./harness.mjs";

const env = useServerAndBrowser();

test("the event log's node filter lists nodes by name in node order and narrows to one", async () => {
  const base = defaultScenario();
  const doc = {
    ...base,
    "duration.ms": 12000,
    cluster: { ...base.cluster, brokers: 12 },
    topics: [{ name: "orders", partitions: 12, "replication.factor": 3 }],
    producers: [
      { ...base.producers[0], name: "p1", topic: "orders" },
      { ...base.producers[0], name: "p2", topic: "orders" },
    ],
    groups: [{ ...base.groups[0], "group.id": "g1", topics: ["orders"], consumers: 2 }],
    actions: [{ "at.ms": 3000, do: "crash-broker", broker: 10 }],
  };
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, 12000));
  await waitForApp(page, 12000);
  const log = page.locator(".event-log");
  const options = (await log.getByLabel("node").locator("option").allTextContents()).slice(1);
  assert.ok(options.length > 4, options.join(", "));
  assert.deepEqual(options.filter((o) => /^(producer|consumer) \d+$/.test(o)), [], "named, not numbered");
  const rank = (o) => (/^p\d/.test(o) ? 0 : /^broker /.test(o) ? 1 : o === "controller" ? 2 : /^g1-c\d/.test(o) ? 3 : 4);
  const ranks = options.map(rank);
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), `producers, brokers, the controller, consumers: ${options.join(", ")}`);
  const brokers = options.filter((o) => o.startsWith("broker ")).map((o) => Number(o.slice(7)));
  assert.ok(brokers.includes(10) && brokers.some((b) => b < 10), options.join(", "));
  assert.deepEqual(brokers, [...brokers].sort((a, b) => a - b), "by number");
  assert.ok(options.includes("p1") && options.includes("g1-c1"), options.join(", "));

  await log.getByLabel("node").selectOption("g1-c1");
  const lines = await log.locator(".event-lines li").allTextContents();
  assert.ok(lines.length > 0);
  assert.deepEqual(lines.filter((l) => !l.includes("g1-c1")), [], "only g1-c1's lines");
  assert.deepEqual(errors, []);
  await page.close();
});

test("an empty event log is no Tab stop; once it has lines it is one, to scroll them by keyboard", async () => {
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(defaultScenario(), 0));
  await waitForApp(page, 0);
  const list = page.locator(".event-log .event-lines");
  assert.equal(await list.locator("li").count(), 0);
  assert.match(await page.locator(".event-log").textContent(), /No events yet/);
  assert.equal(await list.evaluate((l) => l.tabIndex), -1);
  await page.getByRole("button", { name: "Fast-forward to the end" }).click();
  await waitForApp(page, 20000);
  assert.ok(await list.locator("li").count() > 0);
  assert.equal(await list.evaluate((l) => l.tabIndex), 0);
  assert.deepEqual(errors, []);
  await page.close();
});
