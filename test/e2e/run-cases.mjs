// A tiny sequential case runner for the browser journey (plain Node, not vitest: it drives a real Chromium against `wrangler dev`).
// Cases share one page because the journey is stateful (sign up → consent → details); `needs` names the cases a case builds on,
// so a broken early step is reported once and the cases after it fail fast instead of each waiting for a timeout.
import { mkdirSync } from "node:fs";
import path from "node:path";

/**
 * @typedef {{ name: string, needs?: string[], run: (ctx: object) => Promise<void> }} JourneyCase
 * @typedef {{ name: string, ok: boolean, error?: string, screenshot?: string, warnings: string[] }} CaseResult
 */

const slug = (text) =>
  text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60);

/**
 * Runs the cases in order on `ctx.page`, printing one line per case as it finishes.
 * A case fails on a thrown error, an uncaught exception in the page, or a 5xx answer from the app under test.
 * @param {JourneyCase[]} cases
 * @param {{ page: import("playwright-core").Page, baseUrl: string }} ctx
 * @param {{ screenshotDir: string, log?: (line: string) => void }} options
 * @returns {Promise<CaseResult[]>}
 */
export async function runCases(cases, ctx, { screenshotDir, log = console.log }) {
  const { page, baseUrl } = ctx;
  const origin = new URL(baseUrl).origin;
  let pageErrors = [];
  let serverErrors = [];
  let consoleErrors = [];
  page.on("pageerror", (error) => pageErrors.push(withoutQueries(error.message.split("\n")[0])));
  page.on("response", (response) => {
    // Only the path: query strings carry OAuth codes and state, which never go into logs.
    if (response.status() >= 500 && response.url().startsWith(origin)) serverErrors.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(withoutQueries(message.text()).slice(0, 200));
  });

  /** @type {CaseResult[]} */
  const results = [];
  const failed = new Set();
  for (const [index, testCase] of cases.entries()) {
    pageErrors = [];
    serverErrors = [];
    consoleErrors = [];
    /** @type {CaseResult} */
    const result = { name: testCase.name, ok: false, warnings: [] };
    const missing = (testCase.needs ?? []).filter((name) => failed.has(name));
    if (missing.length > 0) {
      result.error = `not run: it builds on a failed case (${missing.join("; ")})`;
    } else {
      try {
        await testCase.run(ctx);
        if (pageErrors.length > 0) throw new Error(`uncaught exception in the page: ${pageErrors.join(" | ")}`);
        if (serverErrors.length > 0) throw new Error(`the app answered ${serverErrors.join(", ")}`);
        result.ok = true;
      } catch (error) {
        result.error = withoutQueries(error instanceof Error ? error.message : String(error)).split("\n").slice(0, 6).join("\n    ");
        if (serverErrors.length > 0 && !result.error.includes("the app answered")) result.error += `\n    (the app answered ${serverErrors.join(", ")})`;
        result.screenshot = await screenshot(page, screenshotDir, `e2e-${String(index + 1).padStart(2, "0")}-${slug(testCase.name)}.png`);
      }
      // Console errors (a missing favicon, say) are worth seeing but are not failures by themselves.
      result.warnings = consoleErrors;
    }
    if (!result.ok) failed.add(testCase.name);
    results.push(result);
    log(formatResult(result, page.url()));
  }
  return results;
}

async function screenshot(page, dir, file) {
  try {
    mkdirSync(dir, { recursive: true });
    const target = path.join(dir, file);
    await page.screenshot({ path: target, fullPage: true, timeout: 10_000 });
    return target;
  } catch {
    return undefined;
  }
}

function formatResult(result, pageUrl) {
  if (result.ok) {
    const notes = result.warnings.length ? `\n    (console errors: ${result.warnings.join(" | ")})` : "";
    return `  ✓ ${result.name}${notes}`;
  }
  const where = result.screenshot ? `\n    at ${safePath(pageUrl)} — screenshot: ${path.relative(process.cwd(), result.screenshot)}` : "";
  const notes = result.warnings.length ? `\n    console errors: ${result.warnings.join(" | ")}` : "";
  return `  ✗ ${result.name}\n    ${result.error}${where}${notes}`;
}

/** Query strings may hold an OAuth code or state: they never reach the output. */
// Playwright's call logs also carry terminal colour codes: dropped for plain CI logs.
const withoutQueries = (text) => text.replace(/\u001b\[[0-9;]*m/g, "").replace(/(https?:\/\/[^\s"'?]+)\?[^\s"']*/g, "$1?…");
const safePath = (url) => withoutQueries(url);
