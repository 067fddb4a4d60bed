// Page benchmark: prints figures, asserts nothing about speed.
//   node web/bench/page-bench.mjs        (after `trunk build --release`)
// - while ~500 messages are animated on the stage (p50/p95), in headless Chromium:
//   - the interval between animation frames, from requestAnimationFrame timestamps; it cannot
//     go below the 16.7 ms vsync, so it shows whether frames are late but not the headroom;
//   - the main-thread work of each frame, which can: the page's own part (advancing the run,
//     building the frame, Yew's render and effects), timed in the wasm under `?bench=1` and read
//     through `window.kafkaPlaygroundFrameWork()`. The browser's own style, layout and paint
//     after it are not in it. Timed from JS (until a message posted from the frame callback
//     runs), that end came a whole frame interval after the start (16.8 ms p50, against 6 ms of
//     the page's work and 2-3 ms of style and layout forced right after it): the main thread
//     waits there too, so that figure would not show the headroom either;
// - the time to fast-forward the default scenario by 60 simulated seconds inside the page's
//   wasm (through the `?bench=1` hook `window.kafkaPlaygroundBench(ms)`);
// - the gzip size of the page's wasm + JS.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { loadavg, cpus } from "node:os";
import { startServer, launchBrowser, openPage, waitForApp, fragmentFor, DIST } from "../tests/harness.mjs";

// Eight fire-and-forget producers on a slow network: about 500 produce requests on the wires
// at once (BENCH_RATE and BENCH_LATENCY_MS change the load).
const BUSY = {
  format: 1, seed: 3, "kafka.version": "3.9", "duration.ms": 30000,
  cluster: { brokers: 3 },
  network: { "latency.ms": Number(process.env.BENCH_LATENCY_MS ?? 400), "jitter.ms": 20, "loss.rate": 0 },
  topics: [{ name: "orders", partitions: 12, "replication.factor": 3, "min.insync.replicas": 2 }],
  producers: Array.from({ length: 8 }, (_, i) => ({
    name: `p${i + 1}`, topic: "orders", "send.mode": "fire-and-forget", acks: "0",
    records: 200000, "records.per.sec": Number(process.env.BENCH_RATE ?? 150), keys: 0, "linger.ms": 0, "batch.size": 16384,
  })),
};

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const server = await startServer();
const browser = await launchBrowser({ viewport: { width: 1440, height: 900 } });
try {
  // 1. Frame intervals and frame work while messages are animated.
  const { page } = await openPage(browser.context, server.url + "?bench=1" + fragmentFor(BUSY, 3000));
  await waitForApp(page, 3000);
  await page.getByLabel("speed").selectOption("0.1");
  await page.getByRole("button", { name: "Play", exact: true }).click();
  // Steady state: let the first frames (compilation tier-up, first layout) pass.
  await page.waitForTimeout(1000);
  await page.waitForFunction(() => typeof window.kafkaPlaygroundFrameWork === "function");
  const sample = await page.evaluate(() => new Promise((resolve) => {
    const stamps = [];
    const counts = [];
    // The same frames for both figures: forget the warm-up's work.
    window.kafkaPlaygroundFrameWork();
    function frame(t) {
      stamps.push(t);
      counts.push(Number(document.querySelector(".stage-caption")?.textContent.match(/\d+/)?.[0] ?? 0));
      if (stamps.length < 600) requestAnimationFrame(frame);
      else resolve({ stamps, counts, work: Array.from(window.kafkaPlaygroundFrameWork()) });
    }
    requestAnimationFrame(frame);
  }));
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  const gaps = sample.stamps.slice(1).map((t, i) => t - sample.stamps[i]).sort((a, b) => a - b);
  const messages = sample.counts.reduce((a, b) => a + b, 0) / sample.counts.length;
  console.log(`bench: messages animated ${messages.toFixed(0)} on average (target 500)`);
  console.log(`bench: frame interval p50 ${percentile(gaps, 50).toFixed(1)} ms, p95 ${percentile(gaps, 95).toFixed(1)} ms (target p95 <= 16.7 ms; vsync-bound)`);
  const onTime = gaps.filter((g) => g <= 17.5).length / gaps.length;
  console.log(`bench: frames on time (<= 17.5 ms) ${(onTime * 100).toFixed(0)}% (machine load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`);
  const work = sample.work.sort((a, b) => a - b);
  console.log(`bench: frame work p50 ${percentile(work, 50).toFixed(1)} ms, p95 ${percentile(work, 95).toFixed(1)} ms (target p95 <= 8 ms; the page's wasm: advance, frame, render; ${work.length} frames)`);
  await page.close();

  // 2. Fast-forward 60 simulated seconds of the default scenario in the page's wasm.
  const { page: benchPage } = await openPage(browser.context, server.url + "?bench=1");
  await waitForApp(benchPage);
  await benchPage.waitForFunction(() => typeof window.kafkaPlaygroundBench === "function");
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await benchPage.evaluate(() => window.kafkaPlaygroundBench(60000)));
  runs.sort((a, b) => a - b);
  console.log(`bench: fast-forward 60 s of the default scenario ${runs[1].toFixed(0)} ms (median of 3; target < 300)`);
  await benchPage.close();
} finally {
  await browser.close();
  await server.close();
}

// 3. Size of what the browser downloads to run the page.
let wasm = 0;
let js = 0;
// Only the page's code: dist/ also holds the lessons (dist/lessons/, fetched when opened).
for (const name of readdirSync(DIST).filter((n) => n.endsWith(".wasm") || n.endsWith(".js"))) {
  const size = gzipSync(readFileSync(join(DIST, name)), { level: 9 }).length;
  if (name.endsWith(".wasm")) wasm += size;
  if (name.endsWith(".js")) js += size;
}
console.log(`bench: gzip wasm ${(wasm / 1024).toFixed(1)} KB + js ${(js / 1024).toFixed(1)} KB = ${((wasm + js) / 1024).toFixed(1)} KB (target <= 350)`);
