// Starts and stops a real `wrangler dev` (workerd) for the browser journey and the benchmark.
// Each run gets its own fresh D1/KV/DO state in a temporary --persist-to directory, so runs never see each other's data.
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { applyLocalMigrations, offlineWranglerEnv, ROOT, WRANGLER_BIN } from "./prepare-local.mjs";

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** True when something already accepts connections on 127.0.0.1:port (wrangler would otherwise pick another port or fail late). */
function portIsTaken(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Whether any process of the group led by `pgid` (wrangler's node process and its workerd children) is still alive. */
function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function tail(file, lines = 40) {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/**
 * Applies the D1 migrations into a fresh state directory, starts `wrangler dev` on 127.0.0.1:port and waits for GET /health → 200.
 * @param {{ port?: number, persistTo?: string, vars?: Record<string, string>, logFile?: string }} [options]
 *   vars become `--var KEY:VALUE` (they override wrangler.toml [vars] and .dev.vars; never pass real secrets: wrangler prints vars).
 * @returns {Promise<{ url: string, persistTo: string, logFile: string, pgid: number, stop: () => Promise<void> }>}
 *   pgid: wrangler's process group (wrangler and its workerd processes), for the benchmark's CPU readings.
 */
export async function startWranglerDev({ port = 8000, persistTo, vars = {}, logFile } = {}) {
  if (await portIsTaken(port)) throw new Error(`port ${port} is already in use on 127.0.0.1: stop whatever listens there (npm start?) and retry.`);

  const ownsStateDir = !persistTo;
  const stateDir = persistTo ?? mkdtempSync(path.join(os.tmpdir(), "linky-wrangler-"));
  applyLocalMigrations({ persistTo: stateDir, quiet: true });

  const log = logFile ?? path.join(ROOT, "test-results", `wrangler-dev-${port}.log`);
  mkdirSync(path.dirname(log), { recursive: true });
  const logFd = openSync(log, "w");

  const args = [WRANGLER_BIN, "dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", stateDir];
  for (const [key, value] of Object.entries(vars)) args.push("--var", `${key}:${value}`);
  // detached: wrangler leads its own process group, so stop() reaches workerd too with one signal.
  const child = spawn(process.execPath, args, { cwd: ROOT, env: offlineWranglerEnv(), stdio: ["ignore", logFd, logFd], detached: true });
  closeSync(logFd);
  const pgid = child.pid;
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });

  const stop = async () => {
    if (groupAlive(pgid)) {
      try {
        process.kill(-pgid, "SIGTERM");
      } catch {
        /* already gone */
      }
      const deadline = Date.now() + STOP_TIMEOUT_MS;
      while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
      // workerd occasionally ignores SIGTERM while shutting down: make sure nothing outlives us and holds the port.
      if (groupAlive(pgid)) {
        try {
          process.kill(-pgid, "SIGKILL");
        } catch {
          /* already gone */
        }
        while (groupAlive(pgid)) await sleep(100);
      }
    }
    if (ownsStateDir) rmSync(stateDir, { recursive: true, force: true });
  };

  const url = `http://localhost:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) break;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return { url, persistTo: stateDir, logFile: log, pgid, stop };
    } catch {
      /* not listening yet */
    }
    await sleep(250);
  }
  await stop();
  const why = exited ? "wrangler dev exited before it was ready" : `GET /health did not answer 200 within ${READY_TIMEOUT_MS / 1000} s`;
  throw new Error(`${why}. Last lines of ${path.relative(ROOT, log)}:\n${tail(log)}`);
}
