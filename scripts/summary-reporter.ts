// Prints the plain closing line "N passed, N failed, N skipped" that CI reads (it does not parse vitest's own summary).
// Also appends the counts to $SUMMARY_FILE when set, so .ci/run can add the browser tests' counts.
import { appendFileSync } from "node:fs";
import type { Reporter, TestModule } from "vitest/node";

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>) {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const mod of testModules) {
      const tests = [...mod.children.allTests()];
      if (mod.state() === "failed" && tests.length === 0) failed++;
      for (const t of tests) {
        const s = t.result().state;
        if (s === "passed") passed++;
        else if (s === "failed") failed++;
        else skipped++;
      }
    }
    process.stdout.write(`\nvitest: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    if (process.env.SUMMARY_FILE) appendFileSync(process.env.SUMMARY_FILE, JSON.stringify({ runner: "vitest", passed, failed, skipped }) + "\n");
  }
}
