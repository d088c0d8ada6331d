// CPU time of the processes serving the benchmark, read from Linux's /proc: utime + stime of each process, in
// clock ticks (`getconf CLK_TCK`, usually 100 per second). Only the processes of wrangler's process group count:
// workerd (the worker, the simulator and miniflare's emulation of D1, KV and Durable Objects) and, apart, wrangler's Node.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export const CLOCK_TICKS_PER_SEC = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  const close = text.lastIndexOf(")");
  return { comm: text.slice(text.indexOf("(") + 1, close), rest: text.slice(close + 2).split(" ") };
}

/**
 * The processes of process group `pgid` (wrangler is started detached, so it leads its own group and workerd
 * inherits it), as { pid, comm }.
 */
export function processGroup(pgid) {
  const found = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const { comm, rest } = statFields(entry);
      // rest[0] is the state (field 3), so field n of proc(5) is rest[n - 3]: pgrp is field 5.
      if (Number(rest[2]) === pgid) found.push({ pid: Number(entry), comm });
    } catch {
      /* exited meanwhile */
    }
  }
  return found;
}

/** utime + stime (fields 14 and 15) of `pid`, in clock ticks; 0 when it has exited. */
function ticksOf(pid) {
  try {
    const { rest } = statFields(pid);
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return 0;
  }
}

/**
 * A meter over the group's processes, split into "workerd" and "other" (wrangler's Node process, esbuild…).
 * `read()` returns cumulative milliseconds of CPU per part; differences of two reads are what a period cost.
 */
export function cpuMeter(pgid) {
  const processes = processGroup(pgid);
  const workerd = processes.filter((p) => p.comm.startsWith("workerd"));
  if (workerd.length === 0) throw new Error(`no workerd process in process group ${pgid} (found: ${processes.map((p) => p.comm).join(", ") || "none"})`);
  const other = processes.filter((p) => !p.comm.startsWith("workerd"));
  const msOf = (list) => (list.reduce((n, p) => n + ticksOf(p.pid), 0) * 1000) / CLOCK_TICKS_PER_SEC;
  return {
    processes: processes.map((p) => `${p.comm}(${p.pid})`),
    workerdProcesses: workerd.length,
    // `workerd` lists the pids alive now: a different list means wrangler restarted workerd (a source file changed
    // under `wrangler dev`), and a difference of two reads across that would be meaningless.
    read: () => ({
      workerdMs: msOf(workerd),
      otherMs: msOf(other),
      atMs: performance.now(),
      workerd: processGroup(pgid).filter((p) => p.comm.startsWith("workerd")).map((p) => p.pid).sort().join(","),
    }),
  };
}
