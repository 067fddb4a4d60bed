// Shared by the teacher tools' browser tests (compare, export, embedding API): a second static
// server for web/examples (another origin than the page's), and the command line's output.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join, normalize } from "node:path";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { REPO, cliReport } from "./harness.mjs";

const EXAMPLES = join(REPO, "web", "examples");

/** Serves web/examples on 127.0.0.1 with a free port: an origin other than the page's. */
export async function startExamplesServer() {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = normalize(join(EXAMPLES, path));
    if (!file.startsWith(EXAMPLES)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

/**
 * `kafka-sim ARGS... FILES` with each document written to a file first: the command line's
 * stdout. The binary is checked to be built from the current sources (see `cliReport`).
 */
export function cli(args, ...docs) {
  cliReport({ format: 1, "duration.ms": 1 });
  const dir = mkdtempSync(join(tmpdir(), "kafka-playground-cli-"));
  const files = docs.map((doc, i) => {
    const file = join(dir, `doc${i}.json`);
    writeFileSync(file, JSON.stringify(doc));
    return file;
  });
  const bin = process.env.KAFKA_SIM_CLI ?? join(REPO, "target", "release", "kafka-sim");
  return execFileSync(bin, [...args, ...files], { encoding: "utf8" });
}
