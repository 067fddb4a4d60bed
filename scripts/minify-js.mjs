// Trunk's post_build hook (Trunk.toml): minifies the JS glue wasm-bindgen wrote for the page
// (Trunk's own --minify leaves it as written) and updates its integrity hash in index.html.
// The page's code budget counts this file: minified it is about 1.8 KB less gzip. Exported
// names and the property names the wasm imports by are kept (terser mangles neither by default).
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { minify } from "terser";

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error("minify-js: TRUNK_STAGING_DIR is not set (run by Trunk's post_build hook)");
  process.exit(1);
}
const sri = (bytes) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;

const htmlPath = join(staging, "index.html");
let html = readFileSync(htmlPath, "utf8");
const glue = readdirSync(staging).filter((f) => /^kafka-sim-ui-[0-9a-f]+\.js$/.test(f));
if (glue.length !== 1) {
  console.error(`minify-js: expected one kafka-sim-ui-<hash>.js in ${staging}, found ${glue.length}`);
  process.exit(1);
}
for (const name of glue) {
  const path = join(staging, name);
  const source = readFileSync(path, "utf8");
  const { code } = await minify(source, { module: true, compress: true, mangle: true });
  const before = sri(source);
  if (!html.includes(before)) {
    console.error(`minify-js: index.html has no integrity ${before} for ${name}`);
    process.exit(1);
  }
  writeFileSync(path, code);
  html = html.replaceAll(before, sri(code));
  console.log(`minify-js: ${name} ${source.length} -> ${code.length} bytes`);
}
writeFileSync(htmlPath, html);
