// JavaScript each exported page loads at first, as built and gzipped: reads the script tags of
// out/**/index.html (chunks a page imports lazily, such as the analysis results', come on top).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";

const out = new URL("../out/", import.meta.url).pathname;

function pages(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "_next" ? [] : pages(path);
    return name.endsWith(".html") ? [path] : [];
  });
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
const rows = pages(out).map((html) => {
  // Only this build's files (with Clerk configured, its own script loads from Clerk's host), and
  // not the `noModule` polyfills, which current browsers skip.
  const scripts = [...readFileSync(html, "utf8").matchAll(/<script([^>]*)>/g)]
    .filter((m) => !/noModule/i.test(m[1]))
    .map((m) => /src="(\/[^"]+\.js)"/.exec(m[1])?.[1])
    .filter(Boolean);
  const files = scripts.map((src) => readFileSync(join(out, src)));
  const raw = files.reduce((sum, file) => sum + file.length, 0);
  const gzip = files.reduce((sum, file) => sum + gzipSync(file).length, 0);
  return { page: "/" + relative(out, html).replace(/index\.html$/, ""), scripts: scripts.length, raw, gzip };
});
rows.sort((a, b) => a.page.localeCompare(b.page));
console.log(`${"page".padEnd(14)} ${"scripts".padStart(10)}  ${"as built".padStart(9)}  ${"gzipped".padStart(9)}`);
for (const row of rows) {
  console.log(
    `${row.page.padEnd(14)} ${String(row.scripts).padStart(2)} scripts  ${kb(row.raw).padStart(9)}  ${kb(row.gzip).padStart(9)}`,
  );
}
