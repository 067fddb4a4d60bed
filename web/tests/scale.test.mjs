// A large cluster: the stage is drawn aggregated (broker tiles, a partition map, message counts)
// and any part of it can be focused to see it in full, with the ledger and the event log
// following the focus. Keyboard-reachable and axe-clean.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  useServerAndBrowser, openPage, screenshot, waitForApp, fragmentFor, ledger, cliReport, ledgerOfReport, seriousViolations,
} from "./harness.mjs";

const env = useServerAndBrowser();

/** Nine brokers; `orders` replicated three times, `solo` once (a crash takes its partitions offline). */
function bigScenario() {
  return {
    format: 1, seed: 11, "duration.ms": 16000,
    cluster: { brokers: 9 },
    topics: [
      { name: "orders", partitions: 48, "replication.factor": 3 },
      { name: "solo", partitions: 18, "replication.factor": 1 },
    ],
    producers: [
      { name: "p-orders", topic: "orders", records: 4000, "records.per.sec": 500, keys: 48 },
      { name: "p-solo", topic: "solo", records: 2000, "records.per.sec": 200, keys: 18 },
    ],
    groups: [{ "group.id": "billing", topics: ["orders"], consumers: 4 }],
    actions: [{ "at.ms": 1000, do: "crash-broker", broker: 2 }],
  };
}

test("a large cluster is drawn aggregated and shows the partitions a crash took offline", async () => {
  const doc = bigScenario();
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, 15000));
  await waitForApp(page, 15000);
  const overview = page.locator("[data-overview]");
  await overview.waitFor();
  assert.equal(await page.locator("main svg.stage-svg").count(), 0, "no node-by-node drawing");
  assert.equal(await overview.locator("button.tile").count(), 9);
  assert.equal(await overview.locator(".cell").count(), 66);
  const offline = await overview.locator(".cell.offline").evaluateAll((cs) => cs.map((c) => c.dataset.partition));
  assert.ok(offline.length > 0, "the crashed broker's unreplicated partitions are offline");
  assert.ok(offline.every((p) => p.startsWith("solo-")), offline.join(" "));
  assert.match(await overview.locator("p").first().textContent(), new RegExp(`66 partitions \\(${offline.length} offline`));
  assert.match(await overview.locator('button.tile[data-broker="2"]').getAttribute("title"), /broker 2 \(down\)/);
  assert.equal(await overview.locator(".cell.leader-down").count(), 0, "the controller has moved broker 2's partitions");
  // A key says what the tiles' marks and the cells' colours mean, in the cells' own colours.
  assert.deepEqual(await overview.locator("ul.legend li").allTextContents(),
    ["all replicas in the ISR", "under-replicated", "leader down, not yet noticed", "offline", "holds the selected records"]);
  const colour = (l) => l.evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.equal(await colour(overview.locator("ul.legend .swatch.offline")), await colour(overview.locator(".cell.offline").first()));
  assert.notEqual(await colour(overview.locator("ul.legend .swatch.offline")), await colour(overview.locator("ul.legend .swatch.healthy")));
  // KRaft: the controller is no broker, so no tile has the controller's star.
  assert.equal(await overview.locator("p.legend").textContent(), "L leader of · ✖ down · ∉ replicas out of the ISR · bar: messages on its wires");
  // A ledger figure outlines the partitions holding its records: the unavailable records sit
  // on the crashed broker's unreplicated partitions.
  await page.locator(".ledger [data-figure=unavailable]").click();
  await overview.locator(".cell.marked").first().waitFor();
  const marked = await overview.locator(".cell.marked").evaluateAll((cs) => cs.map((c) => [c.dataset.partition, c.classList.contains("offline"), c.title]));
  assert.ok(marked.length > 0 && marked.every(([p, off, title]) => p.startsWith("solo-") && off && / offset\(s\) hold the selected records$/.test(title)), JSON.stringify(marked));
  assert.match(await page.locator(".highlight-caption").textContent(), /^12 record\(s\) unavailable: the partitions holding them \(12 offset\(s\) in all replicas\) are outlined on the map\.$/);
  await page.locator(".ledger [data-figure=unavailable]").click();
  await page.waitForFunction(() => !document.querySelector("[data-overview] .cell.marked"));
  // The ledger is the whole cluster's: the command line's figures at the end.
  await screenshot(page, "scale-overview");
  assert.deepEqual(errors, []);
  await page.close();
});

test("until the controller notices the crash, the crashed broker's partitions show it as their leader, marked down", async () => {
  const doc = bigScenario();
  // Crashed at 1 s; broker.session.timeout.ms (9 s) has not passed at 5 s.
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, 5000));
  await waitForApp(page, 5000);
  const overview = page.locator("[data-overview]");
  await overview.waitFor();
  const down = await overview.locator(".cell.leader-down").evaluateAll((cs) => cs.map((c) => c.title));
  assert.ok(down.length > 0, "some partitions are led by broker 2");
  assert.ok(down.every((t) => /: leader-down, leader 2,/.test(t)), down.slice(0, 3).join(" | "));
  assert.equal(await overview.locator(".cell.offline").count(), 0, "none offline yet");
  assert.match(await overview.locator("p").first().textContent(),
    new RegExp(`\\(0 offline, \\d+ under-replicated, ${down.length} led by a broker that is down until the controller notices\\)`));
  // Its tile says so too: down, and still the leader of those partitions (as its card does).
  const tile = overview.locator('button.tile[data-broker="2"]');
  assert.equal(await tile.locator("span").first().textContent(), `✖L${down.length}`);
  assert.match(await tile.getAttribute("title"), new RegExp(`^broker 2 \\(down\\): leader of ${down.length}, replicas out of the ISR: \\d+, messages: \\d+$`));
  await tile.click();
  await page.locator(".focus-bar", { hasText: "broker:2" }).waitFor();
  assert.match(await page.locator('main [data-broker="2"][role=button]').textContent(), new RegExp(`✖ down, leads ${down.length}`));
  assert.deepEqual(errors, []);
  await page.close();
});

test("focusing a partition led by the crashed broker shows its election, then the whole cluster again", async () => {
  const doc = bigScenario();
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, 500));
  await waitForApp(page, 500);
  // A partition of orders that broker 2 leads before the crash.
  const led = await page.locator("[data-overview] .cell[data-partition^='orders-']").evaluateAll((cs) =>
    cs.filter((c) => / leader 2,/.test(c.title)).map((c) => c.dataset.partition));
  assert.ok(led.length > 0, "broker 2 leads some of orders");
  await page.locator(`[data-overview] .cell[data-partition='${led[0]}']`).click();
  await page.locator(".focus-bar", { hasText: `partition:${led[0]}` }).waitFor();
  // The focused stage draws that partition's replicas only, on the brokers that host it.
  const rows = page.locator(`main svg.stage-svg g.replica`);
  assert.equal(await rows.count(), 3);
  assert.deepEqual(new Set(await rows.evaluateAll((rs) => rs.map((r) => r.dataset.partition))), new Set([led[0]]));
  // The ledger follows p-orders' records only when a topic or producer is focused; a partition
  // keeps the cluster's ledger.
  // To the end: the election shows on the focused stage and in the filtered event log.
  await page.getByRole("button", { name: "Fast-forward to the end" }).click();
  await waitForApp(page, 16000);
  const leader = rows.filter({ has: page.locator("text.small", { hasText: / L/ }) });
  assert.equal(await leader.count(), 1, "one leader");
  assert.doesNotMatch(await page.locator('main [data-broker="2"][role=button]').textContent(), /leader of [1-9]/);
  const lines = await page.locator(".event-log .event-lines li").allTextContents();
  assert.ok(lines.length > 0 && lines.every((l) => l.includes(led[0]) || /broker \d/.test(l)), lines.slice(0, 4).join(" | "));
  assert.ok(lines.some((l) => new RegExp(`is now leader of ${led[0]}, epoch [1-9]`).test(l)), lines.slice(0, 6).join(" | "));
  await screenshot(page, "scale-focused-partition");

  // A producer's focus: the ledger shows its records, which the command line's report counts.
  await page.getByRole("button", { name: "Whole cluster" }).click();
  await page.locator("[data-overview]").waitFor();
  const whole = await ledger(page);
  assert.deepEqual(whole, ledgerOfReport(cliReport(doc)));
  await page.locator("[data-overview] button.chip[data-producer='p-solo']").click();
  await page.locator(".focus-bar", { hasText: "producer:p-solo" }).waitFor();
  assert.match(await page.locator(".focus-bar").textContent(), /^Focused on producer:p-solo: the ledger and the event log follow it\. Whole cluster$/);
  const solo = cliReport(doc).producers["p-solo"];
  const focused = await ledger(page);
  for (const f of ["sent", "acknowledged", "lost", "pending", "duplicated"]) assert.equal(focused[f], solo[f], f);
  assert.ok(focused.sent < whole.sent);
  // The consumers' figures are not the producer's: they stay the cluster's, and say so.
  assert.equal(focused.consumed, whole.consumed);
  assert.match(await page.locator(".ledger-scope").textContent(), /^Records of producer p-solo\. Dashed: the consumers' figures, the whole cluster's\.$/);
  const wide = await page.locator(".ledger .figure.cluster-wide").evaluateAll((bs) => bs.map((b) => b.dataset.figure));
  assert.deepEqual(wide, ["consumed", "redelivered", "deserialization.errors", "skipped", "misread", "rebalances"]);
  assert.match(await page.locator(".ledger [data-figure=consumed]").textContent(), /\(cluster-wide\)/);
  await page.getByRole("button", { name: "Whole cluster" }).click();
  await page.locator("[data-overview]").waitFor();
  assert.equal(await page.locator(".ledger-scope, .ledger .cluster-wide").count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the aggregated stage is keyboard-reachable and axe-clean", async () => {
  const doc = bigScenario();
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, 3000));
  await waitForApp(page, 3000);
  const tile = page.locator('[data-overview] button.tile[data-broker="4"]');
  await tile.focus();
  await page.keyboard.press("Enter");
  await page.locator(".focus-bar", { hasText: "broker:4" }).waitFor();
  assert.match(await page.locator(".focus-bar").textContent(), /^Focused on broker:4: the event log follows it; the ledger stays the whole cluster's\. Whole cluster$/);
  assert.equal(await page.locator("main svg.stage-svg g.broker").count(), 1);
  // Each producer's card shows its window to broker 4, not its first connections (to 0, 1, 2).
  const windows = await page.locator("main svg.stage-svg g.producer g.window").evaluateAll((ws) => ws.map((w) => w.dataset.broker));
  assert.ok(windows.length > 0 && windows.every((b) => b === "4"), windows.join(" "));
  await page.getByRole("button", { name: "Whole cluster" }).click();
  await page.locator("[data-overview]").waitFor();
  // A group: its members and its coordinator, the one broker drawn (not all nine its
  // partitions' leaders are on), and no producers.
  await page.locator("[data-overview] button.chip[data-group='billing']").click();
  await page.locator(".focus-bar", { hasText: "group:billing" }).waitFor();
  const coordinator = (await page.locator("main svg.stage-svg text", { hasText: /^coordinator: broker \d+$/ }).textContent()).match(/\d+$/)[0];
  assert.deepEqual(await page.locator("main svg.stage-svg g.broker").evaluateAll((bs) => bs.map((b) => b.dataset.target)), [`broker:${coordinator}`]);
  assert.equal(await page.locator("main svg.stage-svg g.producer").count(), 0);
  await page.getByRole("button", { name: "Whole cluster" }).click();
  await page.locator("[data-overview]").waitFor();
  // A partition by keyboard: Tab to a topic's strip, arrows along it, Enter.
  await page.locator("[data-overview] .cells").first().focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Enter");
  await page.locator(".focus-bar", { hasText: "partition:orders-1" }).waitFor();
  await page.getByRole("button", { name: "Whole cluster" }).click();
  await page.locator("[data-overview]").waitFor();
  assert.deepEqual(await seriousViolations(page, "main"), []);
  // 360 px: nothing wider than the screen.
  await page.setViewportSize({ width: 360, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `scrolls sideways by ${overflow}px at 360 px`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("with twenty producers' settings the page is many screens tall, and the playback controls stay on screen without hiding the focused field", async () => {
  const doc = bigScenario();
  doc.producers = Array.from({ length: 20 }, (_, i) => ({ name: `p${i}`, topic: "orders", records: 100, "records.per.sec": 100 }));
  doc.actions.push({ "at.ms": 3000, do: "restart-broker", broker: 2 });
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, 0));
  // A wide screen, a tablet's (where the ledger sits beside the stage above the settings) and
  // a phone's (where the bar's controls share rows).
  for (const [width, height, tallest] of [[1440, 900, 100], [800, 700, 136], [360, 740, 140]]) {
    await page.setViewportSize({ width, height });
    await page.evaluate(() => window.scrollTo(0, 0));
    await waitForApp(page, 0);
    const at = `at ${width}x${height}`;
    const tall = await page.evaluate(() => document.documentElement.scrollHeight);
    assert.ok(tall > 2 * height, `the page is ${tall}px tall ${at}`);
    const bar = async () => page.locator(".playback").boundingBox();
    const first = await bar();
    assert.ok(first.y >= 0 && first.y + first.height <= height, `the controls are on the first screen ${at}`);
    assert.ok(first.height <= tallest, `the controls take ${first.height}px ${at}`);
    // Focusing the controls from the top of the page scrolls nothing.
    for (const name of ["Play", "Step to the next event", "Fast-forward to the end"]) {
      await page.getByRole("button", { name, exact: true }).focus();
      assert.equal(await page.evaluate(() => window.scrollY), 0, `focusing ${name} scrolled ${at}`);
    }
    // Tabbing down the settings and back never leaves the focused field covered (by the bar,
    // or by anything else: what the screen shows at its middle is the field).
    const covered = () => page.evaluate(() => {
      const a = document.activeElement;
      if (a.closest(".playback")) return null;
      const f = a.getBoundingClientRect();
      const top = document.elementFromPoint(f.left + f.width / 2, f.top + f.height / 2);
      return top && (top === a || a.contains(top)) ? null : `${a.id || a.outerHTML.slice(0, 60)} under ${top?.outerHTML.slice(0, 60)}`;
    });
    await page.locator(".panel-settings input, .panel-settings select").first().focus();
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press("Tab");
      assert.equal(await covered(), null, `Tab ${i + 1} ${at}`);
    }
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press("Shift+Tab");
      assert.equal(await covered(), null, `Shift+Tab ${i + 1} ${at}`);
    }
    const mid = await bar();
    assert.ok(mid.y >= 0 && mid.y + mid.height <= height, `still on screen halfway down ${at}`);
  }
  // Play by keyboard.
  await page.getByRole("button", { name: "Play", exact: true }).focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => Number(document.querySelector("output.time").dataset.positionMs) > 0);
  // The end of the page is not left behind the controls. Scrolled and measured in one task:
  // the playing run lengthens the page between two calls (and the footer leaves the screen).
  const [footer, playing] = await page.evaluate(() => {
    window.scrollTo(0, document.documentElement.scrollHeight);
    return [".app-footer", ".playback"].map((s) => {
      const r = document.querySelector(s).getBoundingClientRect();
      return { y: r.top, height: r.height };
    });
  });
  assert.ok(footer.y + footer.height <= playing.y + 1, `the footer (${footer.y}+${footer.height}) shows above the controls (${playing.y}+${playing.height})`);
  await screenshot(page, "controls-phone");
  assert.deepEqual(errors, []);
  await page.close();
});

test("comparing a large cluster far into a busy run: B runs there with its progress shown, then is drawn aggregated and focused as A is", async () => {
  const doc = bigScenario();
  Object.assign(doc.producers[0], { records: 240000, "records.per.sec": 20000 });
  const { page, errors } = await openPage(env.browser.context, env.server.url + fragmentFor(doc, 12000));
  await waitForApp(page, 12000);
  await page.evaluate(() => {
    window.__gaps = [];
    let last = performance.now();
    const f = (t) => { window.__gaps.push(t - last); last = t; requestAnimationFrame(f); };
    requestAnimationFrame(f);
    // What the page shows while B is on its way (each frame's status, and whether a figure
    // table was there beside it).
    window.__seen = [];
    new MutationObserver(() => {
      const status = document.querySelector("section[aria-label='Stage of run B'] .running-to[role=status]");
      if (status) window.__seen.push([status.textContent, !!document.querySelector(".compare-table")]);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByRole("button", { name: "Compare" }).click();
  const stageB = page.locator("section[aria-label='Stage of run B']");
  await page.locator(".compare-table").waitFor({ timeout: 30000 });
  const seen = await page.evaluate(() => window.__seen);
  assert.ok(seen.length >= 2, JSON.stringify(seen));
  for (const [text, table] of seen) {
    assert.match(text, /^Running B to 12\.0 s: at \d+\.\d s; the figures compare once it is there\.$/);
    assert.equal(table, false, "no figures compared while B is on its way");
  }
  assert.equal(await stageB.locator(".running-to").count(), 0);
  assert.deepEqual(await page.locator(".compare-row.differs").count(), 0, "B is A so far");
  const longest = Math.max(...(await page.evaluate(() => window.__gaps)));
  assert.ok(longest < 1000, `the page froze for ${Math.round(longest)} ms`);
  // Drawn as A: aggregated, and focused with it.
  assert.equal(await stageB.locator("[data-overview] button.tile").count(), 9);
  assert.equal(await stageB.locator("svg.stage-svg").count(), 0);
  await page.locator("main [data-overview] button.tile[data-broker='4']").click();
  await page.locator(".focus-bar", { hasText: "broker:4" }).waitFor();
  assert.equal(await stageB.locator("svg.stage-svg g.broker").count(), 1, "B is focused on broker 4 too");
  assert.deepEqual(await seriousViolations(page, "section[aria-label='Stage of run B']"), []);
  assert.deepEqual(errors, []);
  await page.close();
});
