// Clicking a ledger figure marks its records' offsets on the replica log strips, as the core's
// `log_marks` finds them (crates/sim/tests/log_marks.rs pins the same scenarios); clicking it
// again or pressing Escape clears the marks, and records in no log are said to be so.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { useServerAndBrowser, openPage, screenshot, waitForApp, fragmentFor, REPO } from "./harness.mjs";

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
