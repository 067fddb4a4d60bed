// The stylesheet parses as written: every block it opens it closes. (A merge once left an
// @media block open, and every rule after it silently applied only on narrow screens.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

test("every block of the stylesheet is closed where it should be", () => {
  const css = readFileSync(new URL("../style.css", import.meta.url), "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
  let depth = 0;
  css.split("\n").forEach((line, i) => {
    for (const ch of line) {
      if (ch === "{") depth++;
      if (ch === "}") depth--;
      assert.ok(depth >= 0, `line ${i + 1} closes a block that is not open`);
    }
    // A rule starting at the left margin is top level: no block may still be open but an @media.
    if (/^[.#a-z:\[*]/i.test(line) && !line.startsWith("@")) {
      assert.ok(depth <= 1, `line ${i + 1} starts a rule inside ${depth - 1} unclosed block(s): ${line.slice(0, 60)}`);
    }
  });
  assert.equal(depth, 0, "blocks left open at the end");
});
