// Runs the component tests and ends with the plain line CI reads: "N passed, N failed".
// vitest's own summary is not a format CI recognises, so the count comes from its JSON report.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "alex-vitest-"));
const report = join(dir, "results.json");
const run = spawnSync(
  "npx",
  ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } },
);

let passed = 0;
let failed = 0;
try {
  const results = JSON.parse(readFileSync(report, "utf8"));
  passed = results.numPassedTests;
  failed = results.numFailedTests;
  // A file that fails to load counts no tests: count it as a failure.
  failed += results.testResults.filter((file) => file.status === "failed" && !file.assertionResults.length).length;
} catch {
  console.error("vitest wrote no report: see its output above.");
  failed = Math.max(failed, 1);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || run.status !== 0 || passed === 0 ? 1 : 0);
