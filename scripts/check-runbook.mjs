#!/usr/bin/env node
// The operator's runbook (docs/operations.md), checked against the pinned wrangler and the local stack:
//   1. every `npx wrangler …` command printed in the runbook's (and the README's) ```sh blocks exists, with the flags
//      it uses, and every `npm run` script they name is in package.json;
//   2. the commands that can run locally do: D1 migrations on a fresh local database (default and staging), then
//      `migrations list` has nothing left; `deploy --dry-run` of both environments;
//   3. worker-configuration.d.ts is what `npm run types` generates (the Env interface cannot drift);
//   4. migrations/*.sql follow the release rule (additive unless marked `-- destructive:`).
// Prints one line per check and "runbook: N passed, N failed"; appends the counts to $SUMMARY_FILE like the other
// runners (.ci/run sums them); exits non-zero on any failure. Needs no network and no Cloudflare account.
import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { offlineWranglerEnv, ROOT, WRANGLER_BIN } from "./prepare-local.mjs";

const RUNBOOK = path.join(ROOT, "docs", "operations.md");
/** The README's operator section repeats the essentials: its commands are checked the same way. */
const README = path.join(ROOT, "README.md");
const TYPES_FILE = path.join(ROOT, "worker-configuration.d.ts");

/** Runs wrangler with `args`; resolves {code, out} (stdout and stderr together), never rejects. */
function wrangler(args, extraEnv = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [WRANGLER_BIN, ...args], { cwd: ROOT, env: offlineWranglerEnv({ CI: "true", ...extraEnv }) });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (code) => resolve({ code, out }));
    child.on("error", (err) => resolve({ code: -1, out: String(err) }));
  });
}

/** Lines of the runbook's ```sh blocks that start with `prefix`, as argument arrays (without the prefix). */
export function runbookCommands(markdown, prefix = "npx wrangler") {
  const commands = [];
  for (const block of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1].split("\n")) {
      const text = line.replace(/\s+#.*$/, "").trim(); // a trailing shell comment is not an argument
      if (text.startsWith(`${prefix} `)) commands.push(text.slice(prefix.length).trim().split(/\s+/));
    }
  }
  return commands;
}

/**
 * Whether `args` names a real command with real flags, from wrangler's own help: the usage line (first line) gives
 * the command's words and its positionals; an unknown subcommand prints its parent's help instead.
 */
export function matchesHelp(args, help) {
  const usage = help.split("\n").find((l) => l.startsWith("wrangler"));
  if (!usage) return "no usage line in help";
  const words = usage.split(/\s+/).slice(1);
  const commandWords = words.filter((w) => !/^[<[]/.test(w));
  const placeholders = words.length - commandWords.length;
  const positional = args.filter((a) => !a.startsWith("-"));
  for (let i = 0; i < commandWords.length; i++) if (positional[i] !== commandWords[i]) return `not a command: wrangler ${positional.slice(0, i + 1).join(" ")}`;
  const extra = positional.length - commandWords.length;
  // a flag's separate value ("--env staging", "--outdir dist") is not a positional
  const flagValues = args.filter((a, i) => i > 0 && args[i - 1].startsWith("--") && !args[i - 1].includes("=") && !a.startsWith("-")).length;
  if (extra - flagValues > placeholders) return `unknown subcommand or too many arguments (usage: ${usage.trim()})`;
  for (const flag of args.filter((a) => a.startsWith("--"))) {
    const name = flag.split("=")[0];
    if (!new RegExp(`(^|\\s)${name}(\\s|$|,)`, "m").test(help)) return `unknown flag ${name}`;
  }
  return null;
}

/** Rule 1 of docs/operations.md section 3, on one migration's SQL: null when additive, else why not. */
export function migrationViolation(sql) {
  if (/^\s*--\s*destructive:/i.test(sql)) return null;
  const code = sql.replace(/--[^\n]*/g, "");
  if (/\bDROP\s+(TABLE|COLUMN|INDEX|VIEW|TRIGGER)\b/i.test(code)) return "DROP";
  if (/\bRENAME\b/i.test(code)) return "RENAME";
  for (const add of code.matchAll(/ALTER\s+TABLE\s+\S+\s+ADD\s+(?:COLUMN\s+)?([^;]*)/gi)) {
    if (/\bNOT\s+NULL\b/i.test(add[1]) && !/\bDEFAULT\b/i.test(add[1])) return `NOT NULL column without DEFAULT: ${add[1].trim()}`;
  }
  return null;
}

/** The `npm run types` arguments, from package.json (one source for both). */
function typesArgs() {
  const script = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts.types;
  return script.split(/\s+/).slice(1); // drop "wrangler"
}

async function main() {
  const results = [];
  const check = async (name, run) => {
    let problem;
    try {
      problem = await run();
    } catch (err) {
      problem = err instanceof Error ? err.message : String(err);
    }
    results.push({ name, problem });
    console.log(`${problem ? "✗" : "✓"} ${name}${problem ? `\n    ${String(problem).split("\n").slice(0, 12).join("\n    ")}` : ""}`);
  };
  const tmp = mkdtempSync(path.join(os.tmpdir(), "linky-runbook-"));
  try {
    // 1. The printed commands exist (several help calls at once: each takes a second or two).
    const commands = runbookCommands(readFileSync(RUNBOOK, "utf8"));
    if (commands.length < 10) results.push({ name: "runbook has its commands", problem: `only ${commands.length} wrangler commands found` });
    const unique = [...new Map([...commands, ...runbookCommands(readFileSync(README, "utf8"))].map((c) => [c.join(" "), c])).values()];
    const helps = [];
    for (let i = 0; i < unique.length; i += 4) {
      helps.push(...(await Promise.all(unique.slice(i, i + 4).map(async (args) => ({ args, help: await wrangler([...args, "--help"]) })))));
    }
    for (const { args, help } of helps) {
      await check(`runbook command exists: wrangler ${args.join(" ")}`, () => (help.code === 0 ? matchesHelp(args, help.out) : `exit ${help.code}: ${help.out}`));
    }

    const scripts = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts;
    const npmRuns = [RUNBOOK, README].flatMap((file) => runbookCommands(readFileSync(file, "utf8"), "npm run"));
    for (const [script] of new Map(npmRuns.map((c) => [c[0], c]))) {
      await check(`runbook script exists: npm run ${script}`, () => (scripts[script] ? null : "no such script in package.json"));
    }

    // 2. What runs locally, on a fresh state directory.
    const state = path.join(tmp, "state");
    for (const env of [[], ["--env", "staging"]]) {
      const db = env.length ? "linky-gateway-staging" : "linky-gateway";
      const label = env.length ? " (staging)" : "";
      await check(`d1 migrations apply --local on a fresh database${label}`, async () => {
        const r = await wrangler(["d1", "migrations", "apply", db, "--local", "--persist-to", state, ...env]);
        return r.code === 0 ? null : r.out;
      });
      await check(`d1 migrations list --local: nothing left to apply${label}`, async () => {
        const r = await wrangler(["d1", "migrations", "list", db, "--local", "--persist-to", state, ...env]);
        return r.code === 0 && /No migrations to apply/i.test(r.out) ? null : r.out;
      });
      await check(`deploy --dry-run${label}`, async () => {
        const r = await wrangler(["deploy", "--dry-run", "--outdir", path.join(tmp, `dist${env.length ? "-staging" : ""}`), ...env]);
        return r.code === 0 && /--dry-run: exiting now/.test(r.out) ? null : r.out;
      });
    }

    // 3. The generated Env is up to date: regenerate, compare, put the committed file back.
    await check("worker-configuration.d.ts is what `npm run types` generates", async () => {
      const committed = readFileSync(TYPES_FILE, "utf8");
      const r = await wrangler(typesArgs());
      const generated = readFileSync(TYPES_FILE, "utf8");
      writeFileSync(TYPES_FILE, committed);
      if (r.code !== 0) return r.out;
      return generated === committed ? null : "out of date: run `npm run types` and commit worker-configuration.d.ts";
    });

    // 4. The release rule.
    const migrationsDir = path.join(ROOT, "migrations");
    for (const file of readdirSync(migrationsDir).filter((f) => f.endsWith(".sql")).sort()) {
      await check(`migration ${file} is additive (or marked destructive)`, () => migrationViolation(readFileSync(path.join(migrationsDir, file), "utf8")));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const failed = results.filter((r) => r.problem).length;
  const passed = results.length - failed;
  console.log(`\nrunbook: ${passed} passed, ${failed} failed`);
  if (process.env.SUMMARY_FILE) appendFileSync(process.env.SUMMARY_FILE, JSON.stringify({ runner: "runbook", passed, failed, skipped: 0 }) + "\n");
  return failed === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      if (process.env.SUMMARY_FILE) appendFileSync(process.env.SUMMARY_FILE, JSON.stringify({ runner: "runbook", passed: 0, failed: 1, skipped: 0 }) + "\n");
      process.exit(1);
    },
  );
}
