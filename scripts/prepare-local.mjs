#!/usr/bin/env node
// Gets a fresh clone ready to run locally (`npm start` runs this first via `prestart`; `npm test` runs it with --no-migrate):
//   1. .dev.vars from .dev.vars.example when missing (wrangler dev and the test pool read it; it is gitignored);
//   2. Swagger UI's files copied from node_modules into public/swagger-ui/ so /docs works offline, without a CDN;
//   3. local D1 migrations applied (skipped with --no-migrate: the test pool and the e2e runner use their own databases).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const WRANGLER_BIN = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");

/** Environment for every wrangler call: no telemetry, no request to Cloudflare for `request.cf` data (works offline). */
export function offlineWranglerEnv(extra = {}) {
  return { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", ...extra };
}

// /docs loads these two, then /docs.js (see src/openapi.ts); the preset is copied for anyone who wants the standalone layout.
const SWAGGER_UI_FILES = ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"];

export function ensureDevVars() {
  const target = path.join(ROOT, ".dev.vars");
  if (existsSync(target)) return false;
  copyFileSync(path.join(ROOT, ".dev.vars.example"), target);
  return true;
}

export function copySwaggerUi() {
  const source = path.join(ROOT, "node_modules", "swagger-ui-dist");
  if (!existsSync(source)) throw new Error("node_modules/swagger-ui-dist is missing: run `npm ci` first.");
  const target = path.join(ROOT, "public", "swagger-ui");
  mkdirSync(target, { recursive: true });
  for (const file of SWAGGER_UI_FILES) copyFileSync(path.join(source, file), path.join(target, file));
}

/** Applies migrations/ to a local D1 database (wrangler's default .wrangler/state, or `persistTo`). Throws on failure. */
export function applyLocalMigrations({ persistTo, quiet = false } = {}) {
  const args = [WRANGLER_BIN, "d1", "migrations", "apply", "DB", "--local"];
  if (persistTo) args.push("--persist-to", persistTo);
  // CI=true: never prompt "about to apply N migrations, continue?".
  const result = spawnSync(process.execPath, args, { cwd: ROOT, env: offlineWranglerEnv({ CI: "true" }), encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`wrangler d1 migrations apply failed (exit ${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  }
  if (!quiet) process.stdout.write(result.stdout);
}

export function prepareLocal({ migrate = true } = {}) {
  if (ensureDevVars()) console.log("prepare-local: created .dev.vars from .dev.vars.example (development values only).");
  copySwaggerUi();
  console.log("prepare-local: Swagger UI copied to public/swagger-ui/.");
  if (migrate) {
    applyLocalMigrations({ quiet: true });
    console.log("prepare-local: local D1 migrations applied.");
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    prepareLocal({ migrate: !process.argv.includes("--no-migrate") });
  } catch (error) {
    console.error(`prepare-local: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
