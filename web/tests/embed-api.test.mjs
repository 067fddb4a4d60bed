// The embedding API end to end: web/examples/host.html, served from a second origin, embeds the
// page (first origin) with api=its origin and drives it with its buttons: ready, load, play,
// state (at most 4 a second), pause, seek, report (equal to `kafka-sim run --json` at the end),
// errors for malformed and hostile messages; a page at a third origin is ignored entirely.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser, openPage, screenshot, cliReport } from "./harness.mjs";
import { startExamplesServer } from "./teach-helpers.mjs";

const env = useServerAndBrowser({ viewport: { width: 1000, height: 1100 } });
let host;
let stranger;
before(async () => {
  host = await startExamplesServer();
  stranger = await startExamplesServer();
});
after(async () => {
  await host?.close();
  await stranger?.close();
});

const SCENARIO = {
  format: 1, seed: 16, "kafka.version": "3.9", "duration.ms": 8000,
  topics: [{ name: "orders", partitions: 1, "replication.factor": 3 }],
  producers: [{ name: "p1", topic: "orders", records: 4000, "records.per.sec": 1000, keys: 0, acks: "1", "enable.idempotence": false }],
  actions: [{ "at.ms": 3000, do: "crash-broker", broker: 0 }],
};

const received = (page) => page.evaluate(() => window.received);
async function waitFor(page, predicate, arg) {
  await page.waitForFunction(predicate, arg, { timeout: 20000 });
}
function playgroundFrame(page) {
  return page.frames().find((f) => f.url().startsWith(env.server.url));
}

test("a course page on another origin drives the playground through the API", async () => {
  const { page, errors } = await openPage(env.browser.context, `${host.url}host.html?playground=${encodeURIComponent(env.server.url)}`);
  await waitFor(page, () => window.received.some((m) => m.type === "kafka-playground:ready"));
  const [ready] = await received(page);
  assert.equal(ready.type, "kafka-playground:ready");
  assert.match(ready.version, /^\d+\.\d+\.\d+/);
  const frame = playgroundFrame(page);
  assert.ok(frame.url().includes("embed=1&api=" + encodeURIComponent(host.origin)), frame.url());

  // Load (the host page's textarea holds SCENARIO).
  await page.locator("#scenario").fill(JSON.stringify(SCENARIO));
  await page.locator("#load").click();
  await frame.locator('output.time[data-position-ms="0"]').waitFor();
  await frame.getByText("8.0 s", { exact: false }).first().waitFor();

  // Play: a state message at once, then at most 4 a second.
  const before = (await received(page)).length;
  await page.locator("#play").click();
  await waitFor(page, (n) => window.received.slice(n).some((m) => m.type === "kafka-playground:state" && m.playing), before);
  const t0 = Date.now();
  await page.waitForTimeout(2000);
  await page.locator("#pause").click();
  await waitFor(page, (n) => window.received.slice(n).some((m) => m.type === "kafka-playground:state" && !m.playing), before);
  const elapsed = (Date.now() - t0) / 1000;
  const states = (await received(page)).slice(before).filter((m) => m.type === "kafka-playground:state");
  const playing = states.filter((m) => m.playing);
  assert.ok(playing.length >= 2, `state messages while playing: ${JSON.stringify(states)}`);
  assert.ok(playing.length <= Math.ceil(elapsed * 4) + 2, `${playing.length} state messages in ${elapsed} s`);
  const paused = states.at(-1);
  assert.equal(paused.playing, false);
  assert.ok(paused["at.ms"] > 0, JSON.stringify(paused));
  await frame.locator(`output.time[data-position-ms="${paused["at.ms"]}"]`).waitFor();

  // Seek.
  await page.locator("#at").fill("5000");
  await page.locator("#seek").click();
  await waitFor(page, () => window.received.at(-1)?.type === "kafka-playground:state" && window.received.at(-1)["at.ms"] === 5000);
  await frame.locator('output.time[data-position-ms="5000"]').waitFor();

  // Report on request: the run at 5 s.
  await page.locator("#report").click();
  await waitFor(page, () => window.received.at(-1)?.type === "kafka-playground:report");
  const atFive = (await received(page)).at(-1).report;
  assert.equal(atFive["end.ms"], 5000);
  assert.ok(atFive.records.sent > 0);

  // Reaching the end reports by itself, as `kafka-sim run --json` prints it.
  const n = (await received(page)).length;
  await page.locator("#at").fill("8000");
  await page.locator("#seek").click();
  await waitFor(page, (k) => window.received.slice(k).some((m) => m.type === "kafka-playground:report"), n);
  const atEnd = (await received(page)).slice(n).find((m) => m.type === "kafka-playground:report").report;
  assert.deepEqual(atEnd, cliReport(SCENARIO));
  await screenshot(page, "embed-api-host");

  // Malformed, unknown and hostile messages get an error and change nothing.
  const sendRaw = (message) => page.evaluate(([m, origin]) =>
    document.getElementById("playground").contentWindow.postMessage(m, origin), [message, env.server.url.replace(/\/$/, "")]);
  const cases = [
    [{ type: "kafka-playground:dance" }, /unknown message type/],
    ["kafka-playground:play", /not an object/],
    [{ type: "kafka-playground:seek", "at.ms": -5 }, /at\.ms/],
    [{ type: "kafka-playground:load", scenario: { ...SCENARIO, producers: [{ ...SCENARIO.producers[0], acks: "2" }] } }, /producers\[0\]\.acks/],
    [{ type: "kafka-playground:load", scenario: { format: 1, padding: "x".repeat(300 * 1024) } }, /too large/],
  ];
  for (const [message, expected] of cases) {
    const k = (await received(page)).length;
    await sendRaw(message);
    await waitFor(page, (i) => window.received.length > i, k);
    const reply = (await received(page)).slice(k);
    assert.equal(reply.length, 1, JSON.stringify(reply));
    assert.equal(reply[0].type, "kafka-playground:error");
    assert.match(reply[0].message, expected);
  }
  await frame.locator('output.time[data-position-ms="8000"]').waitFor();
  assert.equal(await frame.locator(".problems").count(), 0, "the refused scenario did not replace the run");

  // A message the playground posts to itself (its own origin, not the host's) is ignored.
  const k = (await received(page)).length;
  await frame.evaluate(() => window.postMessage({ type: "kafka-playground:seek", "at.ms": 1000 }, "*"));
  await page.waitForTimeout(700);
  assert.equal((await received(page)).length, k, "no reply to another origin");
  await frame.locator('output.time[data-position-ms="8000"]').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test("a page at another origin than api= gets nothing and moves nothing", async () => {
  // The stranger's iframe names the host's origin in api=, so the stranger is not it.
  const url = `${stranger.url}host.html?playground=${encodeURIComponent(env.server.url)}&api=${encodeURIComponent(host.origin)}`;
  const { page, errors } = await openPage(env.browser.context, url);
  await page.waitForFunction(() => document.getElementById("playground").contentWindow, null);
  const frame = await (async () => {
    for (let i = 0; i < 100; i++) {
      const f = playgroundFrame(page);
      if (f) return f;
      await page.waitForTimeout(100);
    }
    throw new Error("no playground frame");
  })();
  await frame.locator("[data-rendered-by=wasm]").waitFor();
  await page.locator("#seek").click();
  await page.locator("#play").click();
  await page.waitForTimeout(1500);
  assert.deepEqual(await received(page), [], "not even ready: replies go to the api origin only");
  assert.equal(await frame.locator("output.time").getAttribute("data-position-ms"), "0");
  assert.equal(await frame.locator("button.play").getAttribute("aria-label"), "Play");
  assert.deepEqual(errors, []);
  await page.close();
});
