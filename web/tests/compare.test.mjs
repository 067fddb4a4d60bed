// Compare: run B from run A with a changed setting, both on one clock and one playback bar,
// the ledgers aligned with every differing figure marked (equal to `kafka-sim compare` at the
// end); the link carries B as vs= and restores it; a damaged or invalid vs= is refused loudly
// with the page usable; leaving compare returns to A.
import { test } from "node:test";
import assert from "node:assert/strict";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import {
  useServerAndBrowser, openPage, screenshot, waitForApp, fragmentFor, defaultScenario, decodeFragment, settledUrl } from "./harness.mjs";
import { cli } from "./teach-helpers.mjs";

const env = useServerAndBrowser({ viewport: { width: 1440, height: 1000 } });

const pack = (value) => deflateRawSync(Buffer.from(JSON.stringify(value))).toString("base64url");
const vsOf = (url) => {
  const part = new URL(url).hash.slice(1).split("&").find((p) => p.startsWith("vs="));
  return part && JSON.parse(inflateRawSync(Buffer.from(part.slice(3), "base64url")).toString("utf8"));
};

async function table(page) {
  return page.locator(".compare-row").evaluateAll((rows) => rows.map((r) => ({
    path: r.dataset.path,
    a: r.querySelector(".value-a").textContent,
    b: r.querySelector(".value-b").textContent,
    differs: r.classList.contains("differs"),
  })));
}

/** `kafka-sim compare` output as {path: [a, b, differs]}. */
function cliTable(doc, set) {
  const lines = cli(["compare"], doc, set).trim().split("\n").slice(1);
  return Object.fromEntries(lines.map((l) => {
    const [path, a, b, mark] = l.trim().split(/\s+/);
    return [path, [a, b, mark === "*"]];
  }));
}

test("Compare makes run B from A, marks what differs, and the link restores it", async () => {
  const doc = defaultScenario();
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, 6000));
  await waitForApp(page, 6000);
  await page.getByRole("button", { name: "Compare" }).click();
  await page.locator("section[aria-label='Stage of run B'] svg.stage-svg").waitFor();
  assert.equal(await page.locator("main[aria-label='Stage of run A'] svg.stage-svg").count(), 1);
  // B is A so far: nothing differs.
  let rows = await table(page);
  assert.ok(rows.length >= 12, JSON.stringify(rows));
  assert.deepEqual(rows.filter((r) => r.differs), []);
  assert.equal(await page.getByRole("radio", { name: "run B" }).isChecked(), true);

  // Change B's send mode: B is A with {"producers[0].send.mode": "sync"}.
  await page.getByLabel("send.mode", { exact: true }).selectOption("sync");
  await page.locator(".compare-row.differs").first().waitFor();
  await page.waitForFunction(() => location.hash.includes("vs="));
  assert.deepEqual(vsOf(await settledUrl(page)), { "producers[0].send.mode": "sync" });
  assert.deepEqual(decodeFragment(await settledUrl(page)).doc, doc, "A is unchanged");
  assert.equal(decodeFragment(await settledUrl(page)).positionMs, 6000);
  assert.match(await page.locator(".compare-changes").textContent(), /producers\[0\]\.send\.mode = "sync"/);
  rows = await table(page);
  const sent = rows.find((r) => r.path === "records.sent");
  assert.ok(sent.differs && sent.a !== sent.b, JSON.stringify(sent));
  await screenshot(page, "compare-wide");

  // One playback bar: to the end, both there, and the figures are the command line's.
  await page.getByRole("button", { name: "Fast-forward to the end" }).click();
  await page.locator(`output.time[data-position-ms="${doc["duration.ms"]}"]`).waitFor({ timeout: 30000 });
  await page.locator(".compare-table caption", { hasText: `${(doc["duration.ms"] / 1000).toFixed(3)} s` }).waitFor();
  rows = await table(page);
  const expected = cliTable(doc, { "producers[0].send.mode": "sync" });
  for (const r of rows) {
    assert.ok(expected[r.path], `${r.path} is a figure of kafka-sim compare`);
    assert.deepEqual([r.a, r.b, r.differs], expected[r.path], r.path);
  }

  // The link restores the comparison.
  const link = await settledUrl(page);
  const second = await openPage(env.browser.context, link);
  await waitForApp(second.page, doc["duration.ms"]);
  await second.page.locator("section[aria-label='Stage of run B'] svg.stage-svg").waitFor();
  assert.deepEqual(await table(second.page), rows);
  assert.deepEqual(second.errors, []);
  await second.page.close();

  // Leaving returns to A alone, and the link forgets B.
  await page.getByRole("button", { name: "Leave compare (back to A)" }).click();
  await page.locator(".compare-panel").waitFor({ state: "detached" });
  await page.waitForFunction(() => !location.hash.includes("vs="));
  assert.equal(await page.locator("main[aria-label=Stage] svg.stage-svg").count(), 1);
  assert.equal(await page.getByLabel("send.mode", { exact: true }).inputValue(), doc.producers[0]["send.mode"] ?? "");
  assert.deepEqual(errors, []);
  await page.close();
});

test("an invalid change to B is shown at its setting and B keeps its last valid run", async () => {
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(defaultScenario(), 3000));
  await waitForApp(page, 3000);
  await page.getByRole("button", { name: "Compare" }).click();
  const field = page.getByLabel("max.in.flight.requests.per.connection", { exact: true });
  await field.fill("0");
  await field.press("Tab");
  await page.locator(".compare-changes .problems").waitFor();
  assert.match(await page.locator(".compare-changes .problems").textContent(), /max\.in\.flight/);
  assert.equal(await page.locator("section[aria-label='Stage of run B'] svg.stage-svg").count(), 1);
  assert.deepEqual(errors, []);
  await page.close();
});

for (const [what, vs, expected] of [
  ["a damaged vs=", "!!!not-deflate", /comparison \(vs=\) could not be opened: the link's data is damaged/],
  ["a vs= that leaves an invalid scenario", pack({ "producers[0].acks": "2" }), /producers\[0\]\.acks/],
  ["a vs= naming a path the scenario lacks", pack({ "producers[3].acks": "1" }), /producers\[3\]/],
]) {
  test(`${what} is refused loudly and the page shows A, usable`, async () => {
    const url = env.server.url + fragmentFor(defaultScenario(), 2000).replace("&t=", `&vs=${vs}&t=`);
    const { page, errors } = await openPage(env.browser.context, url);
    await waitForApp(page, 2000);
    const alert = page.locator(".link-error[role=alert]");
    assert.match(await alert.textContent(), expected);
    assert.equal(await page.locator(".compare-panel").count(), 0);
    await page.getByRole("button", { name: "Dismiss" }).click();
    await page.getByRole("button", { name: "Play", exact: true }).click();
    await page.waitForFunction(() => Number(document.querySelector("output.time").dataset.positionMs) > 2000);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test("compare at 360 px stacks the stages and fits the width", async () => {
  const doc = defaultScenario();
  const context = env.browser.context;
  const { page, errors } = await openPage(context, "about:blank");
  await page.setViewportSize({ width: 360, height: 800 });
  const url = env.server.url + fragmentFor(doc, 9000).replace("&t=", `&vs=${pack({ "producers[0].acks": "1" })}&t=`);
  await page.goto(url);
  await waitForApp(page, 9000);
  await page.locator("section[aria-label='Stage of run B'] svg.stage-svg").waitFor();
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), "no sideways scrolling");
  const a = await page.locator("main.stage").boundingBox();
  const b = await page.locator("section.stage-b").boundingBox();
  assert.ok(b.y >= a.y + a.height - 1, "B below A");
  await screenshot(page, "compare-360");
  await page.emulateMedia({ colorScheme: "dark" });
  await screenshot(page, "compare-360-dark");
  assert.deepEqual(errors, []);
  await page.close();
});
