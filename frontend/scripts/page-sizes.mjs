// JavaScript each exported page loads, gzipped: reads the script tags of out/**/index.html.
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
  const gzip = scripts.reduce((sum, src) => sum + gzipSync(readFileSync(join(out, src))).length, 0);
  return { page: "/" + relative(out, html).replace(/index\.html$/, ""), scripts: scripts.length, gzip };
});
rows.sort((a, b) => a.page.localeCompare(b.page));
for (const row of rows) console.log(`${row.page.padEnd(14)} ${String(row.scripts).padStart(2)} scripts  ${kb(row.gzip).padStart(9)} gzip`);
