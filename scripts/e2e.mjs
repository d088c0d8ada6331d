#!/usr/bin/env node
// Browser journey, then the Conso API tools: starts `wrangler dev` on http://localhost:8000 with fresh local state, drives Debian's Chromium
// (never a downloaded browser) through test/e2e/journey.mjs, then bokub's linky library in Node (test/e2e/conso.mjs); prints one line per case and the closing
// "e2e: N passed, N failed" line, appends the counts to $SUMMARY_FILE when set, and exits non-zero on any failure.
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { consoCases } from "../test/e2e/conso.mjs";
import { journeyCases } from "../test/e2e/journey.mjs";
import { runCases } from "../test/e2e/run-cases.mjs";
import { copySwaggerUi, ensureDevVars, ROOT } from "./prepare-local.mjs";
import { startWranglerDev } from "./wrangler-dev.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// Port 8000 on purpose: the simulator sends the browser back to ENEDIS_REDIRECT_URI, and the session cookie
// only matches if the browser uses that same origin throughout.
const PORT = 8000;
const BASE_URL = `http://localhost:${PORT}`;
const RESULTS_DIR = path.join(ROOT, "test-results");
// Without the background-networking flags Chromium keeps dialling Google on this closed network.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function report(passed, failed) {
  console.log(`\ne2e: ${passed} passed, ${failed} failed`);
  if (process.env.SUMMARY_FILE) appendFileSync(process.env.SUMMARY_FILE, JSON.stringify({ runner: "e2e", passed, failed, skipped: 0 }) + "\n");
}

async function main() {
  if (!existsSync(CHROMIUM)) {
    console.error(`e2e: no Chromium at ${CHROMIUM}. Install Debian's: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH).`);
    report(0, 1);
    return 1;
  }
  // So `npm run test:e2e` works on its own, not only after `npm test`'s preparation step.
  ensureDevVars();
  copySwaggerUi();
  // Screenshots from an earlier run would pass for this run's failures.
  if (existsSync(RESULTS_DIR)) for (const file of readdirSync(RESULTS_DIR)) if (/^e2e-.*\.png$/.test(file)) rmSync(path.join(RESULTS_DIR, file));

  let server;
  let browser;
  let profileDir;
  const cleanup = async () => {
    await browser?.close().catch(() => {});
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    await server?.stop();
  };
  const onSignal = (signal) => {
    cleanup().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    console.log(`e2e: starting wrangler dev on ${BASE_URL} (fresh local D1/KV/DO state)…`);
    server = await startWranglerDev({
      port: PORT,
      // Pinned so a developer's .dev.vars pointing at the Enedis sandbox cannot change what the journey exercises.
      vars: { ENEDIS_ENV: "simulator", ENEDIS_REDIRECT_URI: `${BASE_URL}/oauth/callback` },
    });
    // A new, empty profile for every run: no cookies or cache from an earlier run.
    profileDir = mkdtempSync(path.join(os.tmpdir(), "linky-e2e-chromium-"));
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      locale: "fr-FR",
      viewport: { width: 1280, height: 900 },
    });
    browser = context;
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    page.setDefaultNavigationTimeout(30_000);

    const account = { email: `e2e-${Date.now()}-${randomBytes(3).toString("hex")}@example.test`, password: randomBytes(12).toString("base64url") };
    console.log(`e2e: browser journey (Chromium ${context.browser()?.version() ?? ""})`);
    const results = await runCases(journeyCases(account), { page, baseUrl: BASE_URL }, { screenshotDir: RESULTS_DIR });
    // Conso API tools (bokub's linky library, in Node) against the same server, host pointed at it.
    console.log("e2e: Conso API tools (linky 2.0.2)");
    results.push(...(await runCases(consoCases({ baseUrl: BASE_URL }), { page, baseUrl: BASE_URL }, { screenshotDir: RESULTS_DIR })));
    const failed = results.filter((r) => !r.ok).length;
    if (failed > 0) console.log(`e2e: server log: ${path.relative(ROOT, server.logFile)}`);
    report(results.length - failed, failed);
    return failed > 0 ? 1 : 0;
  } catch (error) {
    // The journey could not even start (server or browser): count it as one failure so CI sees it.
    console.error(`e2e: ${error instanceof Error ? error.message : error}`);
    report(0, 1);
    return 1;
  } finally {
    await cleanup();
  }
}

process.exitCode = await main();
