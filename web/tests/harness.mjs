// Shared set-up for the browser tests: a static server for dist/ on loopback (also under a
// sub-path, as a course site would host it) and Debian's Chromium driven by playwright-core.
import { createServer } from "node:http";
import { readFile, mkdtemp, rm, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, extname, normalize, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";
import { before, after } from "node:test";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DIST = join(ROOT, "dist");
export const ARTIFACTS = join(ROOT, "web", "test-results");
export const SUB_PATH = "/course/kafka/playground/";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

/** Serves dist/ at / and at SUB_PATH on 127.0.0.1 with a free port. */
export async function startServer() {
  const server = createServer(async (req, res) => {
    let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (path.startsWith(SUB_PATH)) path = "/" + path.slice(SUB_PATH.length);
    if (path.endsWith("/")) path += "index.html";
    const file = normalize(join(DIST, path));
    if (!file.startsWith(DIST)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, server, close: () => new Promise((r) => server.close(r)) };
}

/** Launches headless Debian Chromium with a fresh profile and no background networking. */
export async function launchBrowser(options = {}) {
  const profile = await mkdtemp(join(tmpdir(), "kafka-playground-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    ...options,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Opens a page and records console errors and uncaught page errors. */
export async function openPage(context, url) {
  const page = await context.newPage();
  const errors = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(String(err)));
  await page.goto(url);
  return { page, errors };
}

export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

// ---- Scenario helpers for the page tests ----
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { execFileSync } from "node:child_process";
import { existsSync, statSync, readdirSync, readFileSync, writeFileSync, mkdtempSync } from "node:fs";

export const REPO = ROOT;

/** The page's default scenario (the same file the core embeds). */
export function defaultScenario() {
  return JSON.parse(readFileSync(join(ROOT, "crates", "sim", "scenarios", "default.json"), "utf8"));
}

/** A permalink fragment in the core's format: raw deflate, base64url, `#s=...&t=...`. */
export function fragmentFor(doc, positionMs) {
  const data = deflateRawSync(Buffer.from(JSON.stringify(doc))).toString("base64url");
  return positionMs === undefined ? `#s=${data}` : `#s=${data}&t=${positionMs}`;
}

/** The scenario and position a page's address carries. */
export function decodeFragment(url) {
  const fragment = new URL(url).hash.slice(1);
  const parts = Object.fromEntries(fragment.split("&").map((p) => p.split("=")));
  const doc = JSON.parse(inflateRawSync(Buffer.from(parts.s, "base64url")).toString("utf8"));
  return { doc, positionMs: parts.t === undefined ? undefined : Number(parts.t) };
}

/** The page's address once it carries what is on screen: the page packs its permalink
 * asynchronously (the browser's CompressionStream) and marks the app while it does. */
export async function settledUrl(page) {
  await page.locator('[data-rendered-by=wasm][data-link-pending="false"]').waitFor({ timeout: 20000 });
  return page.url();
}

/** Waits for the app to render and the playback position to settle at `positionMs`, if given. */
export async function waitForApp(page, positionMs) {
  await page.locator("[data-rendered-by=wasm]").waitFor({ timeout: 20000 });
  if (positionMs !== undefined) {
    await page.locator(`output.time[data-position-ms="${positionMs}"]`).waitFor({ timeout: 20000 });
  }
}

/** The ledger's figures as shown, every one the page lists (the core's figure list). */
export async function ledger(page) {
  return Object.fromEntries(await page.locator(".ledger [data-figure]").evaluateAll((bs) =>
    bs.map((b) => [b.dataset.figure, Number(b.querySelector(".figure-value").textContent)])));
}

export async function positionMs(page) {
  return Number(await page.locator("output.time").getAttribute("data-position-ms"));
}

/** The report's figures in the ledger's terms: every record figure but the report's addition
 * `delivered`, then the consumer figures. */
export function ledgerOfReport(report) {
  const { delivered, ...records } = report.records;
  return {
    ...records,
    consumed: report.consumed.records,
    redelivered: report.consumed.redelivered,
    "deserialization.errors": report.consumed["deserialization.errors"],
    skipped: report.consumed.skipped,
    misread: report.consumed.misread,
    rebalances: report.rebalances,
  };
}

function newestSource(dir) {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  if (!statSync(dir).isDirectory()) return statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * `kafka-sim run FILE --json` of a scenario: the command line's report. Uses $KAFKA_SIM_CLI, or
 * target/release/kafka-sim when it is at least as new as the core's and the CLI's sources;
 * otherwise throws (these tests must not silently skip).
 */
export function cliReport(doc) {
  let cli = process.env.KAFKA_SIM_CLI;
  if (!cli) {
    cli = join(ROOT, "target", "release", "kafka-sim");
    if (!existsSync(cli)) {
      throw new Error(`${cli} does not exist: build it with \`cargo build --release -p kafka-sim-cli\` before the browser tests`);
    }
    const built = statSync(cli).mtimeMs;
    // What the binary is built from (tests and benches of the crates do not count).
    const sources = Math.max(
      ...["sim/src", "sim/scenarios", "sim/Cargo.toml", "cli/src", "cli/Cargo.toml"]
        .map((p) => newestSource(join(ROOT, "crates", p))),
    );
    if (built < sources) {
      throw new Error(`${cli} is older than the sources in crates/sim or crates/cli: rebuild it with \`cargo build --release -p kafka-sim-cli\``);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "kafka-playground-cli-"));
  const file = join(dir, "scenario.json");
  writeFileSync(file, JSON.stringify(doc));
  const out = execFileSync(cli, ["run", file, "--json"], { encoding: "utf8" });
  return JSON.parse(out);
}

/**
 * For a test file: starts the server and the browser (with `launchBrowser`'s options) before its
 * tests, stops them after.
 */
export function useServerAndBrowser(options = {}) {
  const env = { server: undefined, browser: undefined };
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser(options);
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/** axe's serious and critical violations on the page (or within `selector`), one line each. */
export async function seriousViolations(page, selector) {
  const builder = new AxeBuilder({ page });
  const results = await (selector ? builder.include(selector) : builder).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}
