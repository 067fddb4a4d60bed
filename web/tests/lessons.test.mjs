// Lessons on the page: found from the first screen, played step by step (narration, pauses,
// Continue by click and by key, highlights, live expectations, a try), a challenge passed,
// remembered and reset, lessons from a #l= link and from another server, a damaged lesson.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFileSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { readdirSync } from "node:fs";
import {
  useServerAndBrowser, openPage, waitForApp, screenshot, decodeFragment, positionMs, REPO,
  DIST, SUB_PATH, settledUrl } from "./harness.mjs";

const env = useServerAndBrowser();
const LESSONS = join(REPO, "web", "lessons");
const lessonDoc = (id) => JSON.parse(readFileSync(join(LESSONS, `${id}.json`), "utf8"));

// A second server on another port, as a course site would host its own lessons: CORS allowed.
const hosted = { url: undefined, server: undefined, files: new Map() };
before(async () => {
  hosted.server = createServer((req, res) => {
    const body = hosted.files.get(new URL(req.url, "http://x").pathname);
    const headers = { "access-control-allow-origin": "*", "content-type": "application/json" };
    if (body === undefined) res.writeHead(404, headers).end("not found");
    else res.writeHead(200, headers).end(body);
  });
  await new Promise((resolve) => hosted.server.listen(0, "127.0.0.1", resolve));
  hosted.url = `http://127.0.0.1:${hosted.server.address().port}`;
});
after(() => new Promise((resolve) => hosted.server.close(resolve)));

async function open(suffix, options = {}) {
  const { page, errors } = await openPage(env.browser.context, "about:blank");
  if (options.viewport) await page.setViewportSize(options.viewport);
  if (options.scheme) await page.emulateMedia({ colorScheme: options.scheme });
  await page.goto(env.server.url + suffix);
  await waitForApp(page);
  return { page, errors };
}

async function setSpeed(page, speed) {
  await page.locator(".playback .speed select").selectOption(String(speed));
}

test("a newcomer finds the lessons on the first screen, in course order, with what is done", async () => {
  const { page, errors } = await open("");
  const button = page.getByRole("button", { name: /Lessons/ });
  assert.ok(await button.isVisible());
  const box = await button.boundingBox();
  const viewport = page.viewportSize();
  assert.ok(box.y + box.height <= viewport.height && box.x + box.width <= viewport.width,
    "the Lessons button is on the first screen");
  await button.click();
  await page.locator(".lessons-entry").first().waitFor();
  const index = JSON.parse(readFileSync(join(LESSONS, "index.json"), "utf8")).lessons;
  const shown = await page.locator(".lessons-entry").evaluateAll((items) => items.map((li) => ({
    id: li.dataset.lessonId,
    kind: li.dataset.kind,
    title: li.querySelector(".lessons-title").textContent,
    summary: li.querySelector(".lessons-summary")?.textContent ?? "",
  })));
  assert.deepEqual(shown.map((e) => e.id), index.map((e) => e.id));
  for (const [i, e] of index.entries()) {
    assert.equal(shown[i].title, e.title);
    assert.equal(shown[i].kind, e.kind);
    assert.equal(shown[i].summary, e.summary ?? "");
  }
  await screenshot(page, "lessons-panel");
  // Opening one from the list: its address names it, its scenario is the page's document.
  await page.locator('.lessons-entry[data-lesson-id="ordering"] .lessons-open').click();
  await page.locator('.lesson-player[data-lesson="ordering"]').waitFor();
  assert.equal(new URL(page.url()).searchParams.get("lesson"), "ordering");
  assert.deepEqual(decodeFragment(await settledUrl(page)).doc, lessonDoc("ordering").scenario);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a lesson plays step by step: narration, pause, Continue by key and click, highlights, verdicts, a try", async () => {
  const { page, errors } = await open("?lesson=acks");
  const player = page.locator('.lesson-player[data-lesson="acks"]');
  await player.waitFor();
  assert.match(await player.locator(".lesson-step-count").first().textContent(), /Step 1 of 4/);
  assert.match(await player.locator(".lesson-say").first().textContent(), /acks=1: the leader/);
  // Step 1 points at p1, broker 0 and orders-0.
  for (const target of ["producer:p1", "broker:0", "partition:orders-0"]) {
    assert.ok(await page.locator(`.stage-svg [data-target="${target}"].lit`).count() >= 1, target);
  }
  assert.equal(await page.locator('.stage-svg [data-target="broker:1"].lit').count(), 0);
  await screenshot(page, "lesson-start");
  // Start with Enter (focus on the page), and it stops at the pausing step at 3 s.
  await setSpeed(page, 3);
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("Enter");
  await page.locator('output.time[data-position-ms="3000"]').waitFor({ timeout: 20000 });
  await page.locator(".lesson-continue").waitFor();
  assert.match(await page.locator(".lesson-status").textContent(), /Paused at step 3 of 4/);
  assert.equal(await page.locator(".lesson-status").getAttribute("aria-live"), "polite");
  await page.waitForTimeout(300);
  assert.equal(await positionMs(page), 3000, "it waits at the pause");
  assert.ok(await page.locator('.stage-svg [data-target="controller"].lit').count() === 1);
  await screenshot(page, "lesson-pause");
  // Continue by clicking; at the end the last step's expectations hold.
  await setSpeed(page, 30);
  await page.locator(".lesson-continue").click();
  await page.locator('output.time[data-position-ms="20000"]').waitFor({ timeout: 20000 });
  const last = page.locator(".lesson-step");
  assert.match(await last.locator(".lesson-step-count").textContent(), /Step 4 of 4/);
  assert.equal(await last.locator(".verdict.holds").count(), 2);
  assert.equal(await last.locator(".verdict.misses").count(), 0);
  assert.match(await last.locator('[data-expect="records.lost >= 1"]').textContent(), /met: records\.lost = \d+/);
  // Try this: an ordinary edit (the permalink shows it), run to the end, the try's figure holds.
  const before = await settledUrl(page);
  await page.locator(".lesson-try").first().click();
  await page.locator(".lesson-try-active .verdict.holds").waitFor({ timeout: 20000 });
  await page.locator('output.time[data-position-ms="20000"]').waitFor();
  assert.notEqual(await settledUrl(page), before);
  assert.equal(decodeFragment(await settledUrl(page)).doc.producers[0].acks, "all");
  assert.equal(await page.locator('.field[data-key="producers[0].acks"] select').inputValue(), "all");
  await screenshot(page, "lesson-try");
  await page.getByRole("button", { name: "Back to the lesson" }).click();
  await page.locator(".lesson-continue").waitFor();
  assert.equal(decodeFragment(await settledUrl(page)).doc.producers[0].acks, "1");
  // N goes on too.
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("n");
  await page.locator(".lesson-continue").waitFor({ state: "detached" });
  // The lesson is finished (walked to its last step before): the list says so.
  assert.ok((await page.evaluate(() => localStorage.getItem("kafka-playground.lessons.done"))).includes('"acks"'));
  // Leaving keeps the scenario and the free playground.
  await page.getByRole("button", { name: "Leave the lesson" }).click();
  await page.locator(".lesson-player").waitFor({ state: "detached" });
  assert.equal(new URL(page.url()).searchParams.get("lesson"), null);
  assert.equal(decodeFragment(await settledUrl(page)).doc.producers[0].acks, "1");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a challenge: locked settings, hints, Check passes with the solution, remembered after a reload, Reset clears it", async () => {
  const { page, errors } = await open("?lesson=challenge-no-loss-fast");
  await page.locator(".challenge").waitFor();
  const field = (key) => page.locator(`.field[data-key="${key}"]`);
  assert.ok(await field("producers[0].records").locator("input").isDisabled());
  assert.match(await field("producers[0].records").textContent(), /locked in this challenge/);
  assert.ok(await field("producers[0].acks").locator("select").isEnabled());
  assert.ok(await page.locator("#f-kafka-version").isDisabled());
  // Hints one by one.
  await page.getByRole("button", { name: /Show a hint \(1 of 3\)/ }).click();
  assert.equal(await page.locator(".challenge-hints li").count(), 1);
  // Unchanged, the goal is missed.
  await page.getByRole("button", { name: "Check" }).click();
  await page.locator(".challenge-failed").waitFor({ timeout: 20000 });
  // The solution through the allowed controls.
  await field("producers[0].send.mode").locator("select").selectOption("async");
  await field("producers[0].acks").locator("select").selectOption("all");
  await field("producers[0].enable.idempotence").locator("select").selectOption("true");
  await page.getByRole("button", { name: "Check" }).click();
  await page.locator(".challenge-passed").waitFor({ timeout: 20000 });
  assert.equal(await page.locator(".challenge .verdict.holds").count(), 5);
  await screenshot(page, "challenge-passed");
  await page.reload();
  await waitForApp(page);
  await page.locator(".challenge-passed").waitFor();
  assert.match(await page.locator(".challenge-passed").textContent(), /passed this challenge before/);
  await page.getByRole("button", { name: /Lessons/ }).click();
  const entry = page.locator('.lessons-entry[data-lesson-id="challenge-no-loss-fast"]');
  assert.equal(await entry.getAttribute("data-done"), "true");
  assert.match(await entry.textContent(), /✓ passed/);
  await page.getByRole("button", { name: "Close" }).click();
  await page.getByRole("button", { name: "Reset" }).click();
  await page.locator(".challenge-passed").waitFor({ state: "detached" });
  assert.ok(!(await page.evaluate(() => localStorage.getItem("kafka-playground.lessons.done"))).includes("challenge-no-loss-fast"));
  assert.equal(decodeFragment(await settledUrl(page)).doc.producers[0].acks, "1");
  assert.deepEqual(errors, []);
  await page.close();
});

function lessonLink(file) {
  const cli = join(REPO, "target", "release", "kafka-sim");
  if (!existsSync(cli)) throw new Error(`${cli} does not exist: cargo build --release -p kafka-sim-cli`);
  return execFileSync(cli, ["lesson", "link", file], { encoding: "utf8" }).trim();
}

test("a lesson opens from a #l= link and from another server's address", async () => {
  const fragment = lessonLink(join(LESSONS, "ordering.json"));
  assert.match(fragment, /^#l=/);
  let { page, errors } = await open(fragment);
  await page.locator('.lesson-player[data-lesson="ordering"]').waitFor();
  assert.deepEqual(decodeFragment(await settledUrl(page)).doc, lessonDoc("ordering").scenario);
  await page.close();
  assert.deepEqual(errors, []);

  const doc = { ...lessonDoc("idempotence"), id: "hosted-idempotence", title: "Hosted: idempotence" };
  hosted.files.set("/course/lesson.json", JSON.stringify(doc));
  doc.versions = { say: "Before 3.0 idempotence was off by default.", compare: ["2.8", "3.9"] };
  hosted.files.set("/course/lesson.json", JSON.stringify(doc));
  ({ page, errors } = await open(`?lesson=${encodeURIComponent(hosted.url + "/course/lesson.json")}`));
  await page.locator('.lesson-player[data-lesson="hosted-idempotence"]').waitFor();
  assert.match(await page.locator("#lesson-title").textContent(), /Hosted: idempotence/);
  // Its versions: buttons that flip kafka.version, as an edit the permalink shows.
  assert.match(await page.locator(".lesson-versions").textContent(), /Before 3\.0 idempotence/);
  await page.getByRole("button", { name: "Kafka 2.8" }).click();
  assert.equal(await page.getByRole("button", { name: "Kafka 2.8" }).getAttribute("aria-pressed"), "true");
  assert.equal(decodeFragment(await settledUrl(page)).doc["kafka.version"], "2.8");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a damaged lesson lists every problem and the page stays usable", async () => {
  const doc = lessonDoc("idempotence");
  doc.steps[0] = { ...doc.steps[0], sey: doc.steps[0].say };
  doc.steps[1] = { ...doc.steps[1], expect: ["records.lsot >= 1"] };
  doc.titel = "a misspelt key";
  hosted.files.set("/damaged.json", JSON.stringify(doc));
  const { page } = await open(`?lesson=${hosted.url}/damaged.json`);
  const problems = page.locator(".lesson-problems");
  await problems.waitFor();
  const text = await problems.textContent();
  assert.match(text, /steps\[0\]\.sey/);
  assert.match(text, /steps\[1\]\.expect\[0\]/);
  assert.match(text, /titel: unknown key/);
  assert.equal(await page.locator(".lesson-player").count(), 0);
  await screenshot(page, "lesson-damaged");
  // The default scenario plays.
  await page.getByRole("button", { name: "Play" }).click();
  await page.waitForFunction(() => Number(document.querySelector("output.time").dataset.positionMs) > 0);
  await page.getByRole("button", { name: "Dismiss" }).click();
  await problems.waitFor({ state: "detached" });
  // A damaged #l= link and a missing lesson say why, too.
  await page.goto(env.server.url + "#l=AAAA!!");
  await waitForApp(page);
  await page.locator(".lesson-problems").waitFor();
  await page.goto(env.server.url + "?lesson=no-such-lesson");
  await waitForApp(page);
  assert.match(await page.locator(".lesson-problems").textContent(), /404/);
  await page.close();
});

test("at 360 px a lesson is readable and usable", async () => {
  const { page, errors } = await open("?lesson=acks", { viewport: { width: 360, height: 740 } });
  await page.locator(".lesson-player").waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the page scrolls sideways: ${width} px wide`);
  for (const selector of [".lesson-say", ".lesson-continue"]) {
    const box = await page.locator(selector).first().boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 360 && box.y + box.height <= 740, `${selector} on screen`);
  }
  // The stage fits the screen while a lesson plays (its outlines stay in view); in free play
  // a phone's stage keeps a legible scale and scrolls sideways (main-states.test.mjs).
  const stage = await page.locator("svg.stage-svg").boundingBox();
  assert.ok(stage.x >= 0 && stage.x + stage.width <= 360, `the stage fits: ${stage.x} + ${stage.width}`);
  await screenshot(page, "lesson-360");
  await page.locator(".lesson-continue").click();
  await page.locator(".lesson-continue").waitFor({ state: "detached" });
  assert.deepEqual(errors, []);
  await page.close();
});

test("embed mode plays a lesson, its narration under the stage", async () => {
  const { page, errors } = await open("?embed=1&lesson=ordering");
  await page.locator('.lesson-player[data-lesson="ordering"]').waitFor();
  const stage = await page.locator(".stage").boundingBox();
  const narration = await page.locator(".panel-lesson").boundingBox();
  assert.ok(narration.y >= stage.y + stage.height - 1, "the narration is under the stage");
  assert.equal(await page.locator(".lessons-button").count(), 0);
  await page.locator(".lesson-continue").click();
  await page.locator(".lesson-continue").waitFor({ state: "detached" });
  await screenshot(page, "lesson-embed");
  assert.deepEqual(errors, []);
  await page.close();
});

test("lessons are served beside the page, found under a sub-path, and not compiled into the wasm", async () => {
  const { page, errors } = await open(SUB_PATH.slice(1) + "?lesson=min-insync-replicas");
  await page.locator('.lesson-player[data-lesson="min-insync-replicas"]').waitFor();
  await page.getByRole("button", { name: /Lessons/ }).click();
  await page.locator(".lessons-entry").first().waitFor();
  assert.deepEqual(errors, []);
  await page.close();
  const wasm = readdirSync(DIST).find((f) => f.endsWith(".wasm"));
  const bytes = readFileSync(join(DIST, wasm)).toString("latin1");
  for (const id of ["acks", "ordering", "challenge-no-loss-fast"]) {
    const lesson = lessonDoc(id);
    for (const words of [lesson.title, lesson.summary, lesson.steps[0].say]) {
      assert.ok(!bytes.includes(words), `the wasm holds the words of ${id}: ${words}`);
    }
  }
});

test("a lesson on a large cluster outlines what its steps point at on the aggregated stage", async () => {
  const { page, errors } = await open("?lesson=broker-crash-at-scale");
  await page.locator('.lesson-player[data-lesson="broker-crash-at-scale"]').waitFor();
  const overview = page.locator("[data-overview]");
  await overview.waitFor();
  assert.equal(await page.locator("main svg.stage-svg").count(), 0, "twelve brokers are drawn aggregated");
  // Step 1 points at the producers and the group: their chips, and nothing else.
  const lit = () => overview.locator(".lit").evaluateAll((ls) => ls.map((l) => l.dataset.producer ?? l.dataset.group ?? `broker ${l.dataset.broker}`));
  assert.deepEqual(await lit(), ["p1", "p2", "billing"]);
  // To the pausing step at 5 s: the crashed broker's tile.
  await setSpeed(page, 3);
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("Enter");
  await page.locator('output.time[data-position-ms="5000"]').waitFor({ timeout: 30000 });
  await page.locator(".lesson-continue").waitFor();
  assert.deepEqual(await lit(), ["broker 5"]);
  assert.match(await overview.locator('button.tile[data-broker="5"]').getAttribute("class"), /\bdown\b/);
  await screenshot(page, "lesson-at-scale");
  assert.deepEqual(errors, []);
  await page.close();
});
