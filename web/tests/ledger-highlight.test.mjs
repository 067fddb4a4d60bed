// Clicking a ledger figure marks its records' offsets on the replica log strips, as the core's
// `log_marks` finds them (crates/sim/tests/log_marks.rs pins the same scenarios); clicking it
// again or pressing Escape clears the marks, and records in no log are said to be so. Records
// at risk (above the high watermark) and unavailable (no leader) are shown apart from lost ones,
// and the ledger says what each figure means.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { useServerAndBrowser, openPage, screenshot, waitForApp, fragmentFor, ledger, REPO } from "./harness.mjs";

const env = useServerAndBrowser();

function pinned(name) {
  return JSON.parse(readFileSync(join(REPO, "crates", "sim", "tests", "scenarios", `${name}.json`), "utf8"));
}

async function marks(page) {
  return page.locator(".log-marks").evaluateAll((gs) => gs.map((g) => ({
    label: g.getAttribute("aria-label"),
    offsets: Number(g.dataset.logMarks),
    shapes: g.querySelectorAll("path.log-mark").length,
    // Where the mark sits along its strip, 0 to 1.
    at: (() => {
      const strip = g.parentElement.querySelector("rect.strip").getBBox();
      const box = g.querySelector("path").getBBox();
      return (box.x + box.width / 2 - strip.x) / strip.width;
    })(),
  })));
}

test("the duplicated figure marks every copy's offset on the replicas of orders-0, and clears", async () => {
  // REQUEST_TIMED_OUT after the append, no idempotence: records 501 and 502 are written 3 and 2
  // times at offsets 250-254 of orders-0, on each of its three replicas.
  const doc = pinned("timeout_after_append_idempotence_false");
  const end = doc["duration.ms"];
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, end));
  await waitForApp(page, end);
  const figure = page.locator('[data-figure="duplicated"]');
  assert.equal(await figure.locator(".figure-value").textContent(), "3");
  assert.equal(await page.locator(".log-marks").count(), 0);

  await figure.click();
  await page.locator(".log-marks").first().waitFor();
  assert.equal(await figure.getAttribute("aria-pressed"), "true");
  const shown = await marks(page);
  assert.deepEqual(shown.map((m) => m.label).sort(), [0, 1, 2].map((b) =>
    `orders-0 on broker ${b}: 5 offset(s) hold duplicated records: 250–254`));
  assert.equal(shown.reduce((n, m) => n + m.offsets, 0), 15);
  assert.ok(shown.every((m) => m.shapes === 1), "committed offsets: one solid shape each");
  // Offsets 250-254 of a log ending at 1003: a quarter along the strip, as the HW line scales.
  assert.ok(shown.every((m) => m.at > 0.24 && m.at < 0.26), JSON.stringify(shown));
  assert.match(await page.locator(".highlight-caption").textContent(),
    /^2 record\(s\) duplicated: .* 15 offset\(s\) marked/);
  await screenshot(page, "ledger-highlight-duplicated");

  await figure.click();
  await page.locator(".log-marks").first().waitFor({ state: "detached" });
  assert.equal(await figure.getAttribute("aria-pressed"), "false");
  assert.equal(await page.locator(".highlight-caption").count(), 0);

  await figure.click();
  await page.locator(".log-marks").first().waitFor();
  await page.keyboard.press("Escape");
  await page.locator(".log-marks").first().waitFor({ state: "detached" });
  assert.equal(await figure.getAttribute("aria-pressed"), "false");
  assert.deepEqual(errors, []);
  await page.close();
});

test("lost records truncated from every log are said to be in no log", async () => {
  // acks=1, the leader crashes before its followers fetch 13 acknowledged records; it
  // truncates them when it restarts.
  const doc = pinned("acks_1_leader_crash");
  const end = doc["duration.ms"];
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, end));
  await waitForApp(page, end);
  await page.locator('[data-figure="lost"]').click();
  await page.locator(".highlight-caption").waitFor();
  assert.match(await page.locator(".highlight-caption").textContent(),
    /^13 record\(s\) lost: .* 0 offset\(s\) marked .* lost records are in no log\.$/);
  assert.equal(await page.locator(".log-marks").count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a fault-free acks=1 run ending mid-replication shows one record at risk, none lost", async () => {
  // The last acknowledged record is on every replica, but the leader has not yet learned that
  // its followers hold it: it is above the high watermark everywhere when the run ends.
  const doc = pinned("acks_1_ends_mid_replication");
  const end = doc["duration.ms"];
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, end));
  await waitForApp(page, end);
  const shown = await ledger(page);
  assert.deepEqual([shown.lost, shown["at.risk"], shown.unavailable], [0, 1, 0]);
  const atRisk = page.locator('[data-figure="at.risk"]');
  assert.match(await atRisk.getAttribute("class"), /\bfigure-at-risk\b.*\bnonzero\b/);
  assert.match(await atRisk.getAttribute("title"), /not yet below its high watermark/);
  await atRisk.click();
  await page.locator(".log-marks").first().waitFor();
  assert.match(await page.locator(".highlight-caption").textContent(),
    /^1 record\(s\) at\.risk: .* 3 offset\(s\) marked ▼ in the partition logs\.$/);
  const m = await marks(page);
  assert.equal(m.length, 3, "one mark on each replica of its partition");
  assert.ok(m.every((x) => x.offsets === 1), JSON.stringify(m));

  // The definitions, in the core's words, one click away.
  const meanings = page.locator(".figure-meanings");
  await meanings.locator("summary").click();
  const defs = await meanings.locator("dl").evaluate((dl) =>
    Object.fromEntries([...dl.querySelectorAll("dt")].map((dt) => [dt.textContent, dt.nextElementSibling.textContent])));
  assert.deepEqual(Object.keys(defs), Object.keys(shown));
  assert.match(defs.lost, /gone: truncated, never written/);
  assert.match(defs["at.risk"], /not yet below its high watermark/);
  assert.match(defs.unavailable, /no leader/);
  await screenshot(page, "ledger-at-risk");
  assert.deepEqual(errors, []);
  await page.close();
});

test("records on a partition whose every replica is down are unavailable, marked on the dead replicas", async () => {
  // orders-0 lives on brokers 0 and 1, both crashed at 3 s; the controller fences them at
  // 11.25 s, and from then orders-0 has no leader.
  const doc = pinned("all_replicas_down");
  const early = await openPage(env.browser.context, env.server.url + fragmentFor(doc, 10000));
  await waitForApp(early.page, 10000);
  const before = await ledger(early.page);
  assert.deepEqual([before.lost, before["at.risk"], before.unavailable], [0, 0, 0],
    "until the controller notices, broker 0 still leads orders-0");
  assert.deepEqual(early.errors, []);
  await early.page.close();
  const end = doc["duration.ms"];
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, end));
  await waitForApp(page, end);
  const shown = await ledger(page);
  assert.deepEqual([shown.lost, shown["at.risk"], shown.unavailable], [0, 0, 500]);
  await page.locator('[data-figure="unavailable"]').click();
  await page.locator(".log-marks").first().waitFor();
  assert.deepEqual((await marks(page)).map((x) => x.label).sort(), [0, 1].map((b) =>
    `orders-0 on broker ${b}: 500 offset(s) hold unavailable records: 0–499`));
  await screenshot(page, "ledger-unavailable");
  assert.deepEqual(errors, []);
  await page.close();
});
