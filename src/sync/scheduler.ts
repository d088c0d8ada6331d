import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { emitEvent } from "../observability/events";
import { nextAttemptAt } from "./plan";
import { runSync, type SyncOutcome } from "./run";
import { findPdlRow, syncStateOf, updateSyncRow, type SyncRowPatch } from "./store";

/**
 * One instance per PDL (idFromName(usage_point_id)), whose only job is its alarm: when to run that PDL's sync next
 * (src/sync/plan.ts decides). Why Durable Object alarms (docs/sync.md): no Queues binding to provision, each PDL woken
 * at its own exact time, and one object per PDL so two runs of the same PDL never overlap. The PDL's sync state
 * itself is in D1 (status and admin stats read it); the object keeps only which PDL it serves.
 */
export class SyncScheduler extends DurableObject<Env> {
  /** The scheduler's clock; tests replace it so they need not wait for real mornings. */
  now: () => number = () => Date.now();

  /** GET /health's probe (a fixed name that is no PDL number): answers without storing anything. */
  ping(): true {
    return true;
  }

  /** Something changed for this PDL (consented, switched on, read after resting): set the alarm again. */
  async poke(usagePointId: string): Promise<number | null> {
    await this.ctx.storage.put("pdl", usagePointId);
    return this.reschedule(usagePointId);
  }

  async alarm(): Promise<void> {
    const usagePointId = await this.ctx.storage.get<string>("pdl");
    if (!usagePointId) return;
    const nowMs = this.now();
    const row = await findPdlRow(this.env, usagePointId);
    if (!row) return void (await this.ctx.storage.deleteAll()); // PDL removed: nothing left to do
    const verdict = nextAttemptAt(syncStateOf(row), nowMs);
    if (verdict.atMs !== null && verdict.atMs <= nowMs) {
      const outcome = await runSync(this.env, row, nowMs);
      await updateSyncRow(this.env, row, patchFor(outcome, nowMs, row.lastError));
      await reportRun(this.env, outcome);
    }
    await this.reschedule(usagePointId);
  }

  private async reschedule(usagePointId: string): Promise<number | null> {
    const row = await findPdlRow(this.env, usagePointId);
    const verdict = row ? nextAttemptAt(syncStateOf(row), this.now()) : { atMs: null };
    if (verdict.atMs === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(verdict.atMs);
    return verdict.atMs;
  }
}

/** One event per outcome (docs/logs.md). Codes only: never a PDL number, a key or a value. */
async function reportRun(env: Env, outcome: SyncOutcome): Promise<void> {
  switch (outcome.kind) {
    case "done":
      return emitEvent(env, "sync_done");
    case "stopped":
    case "failed":
      return emitEvent(env, "sync_failed", { outcome: outcome.kind, code: outcome.code });
    case "no_key":
      return emitEvent(env, "sync_failed", { outcome: outcome.kind, code: "NO_KEY" });
    case "busy":
      return emitEvent(env, "sync_deferred", { retry_after_s: Math.ceil(outcome.retryAfterMs / 1000) });
    case "not_published":
      return emitEvent(env, "sync_not_published");
  }
}

/** What a run's outcome changes in D1. */
export function patchFor(outcome: SyncOutcome, nowMs: number, lastError: string | null): SyncRowPatch {
  const base: SyncRowPatch = { lastSyncAttemptMs: nowMs, syncSoonAtMs: null };
  switch (outcome.kind) {
    case "done":
      // Enedis served this PDL: a consent error recorded earlier is over.
      return { ...base, lastSyncAt: new Date(nowMs).toISOString(), syncedThrough: outcome.syncedThrough, ...(lastError === "CONSENT_REQUIRED" || lastError === "NOT_OWNER" ? { lastError: null } : {}) };
    case "stopped":
      return { ...base, syncStopped: outcome.code, lastError: outcome.code, syncFailedAtMs: nowMs };
    case "failed":
    case "no_key":
      return { ...base, syncFailedAtMs: nowMs };
    case "busy":
      // the budget says when a permit can be had (a busy second: about one; the share or the pace: minutes): try
      // again then, not at the next hourly retry — a PDL just consented must get its days within a minute
      return { ...base, syncSoonAtMs: nowMs + outcome.retryAfterMs };
    case "not_published":
      return base;
  }
}

const scheduler = (env: Env, usagePointId: string) => env.SYNC_SCHEDULER.get(env.SYNC_SCHEDULER.idFromName(usagePointId));

/** The operator's switch (SYNC_ENABLED=false): no PDL gets an alarm from a request. */
export const syncSwitchedOn = (env: Env) => env.SYNC_ENABLED?.trim().toLowerCase() !== "false";

/** Sets (or clears) each PDL's alarm after a change to its sync state; the alarm times, for tests. */
export async function scheduleSync(env: Env, usagePointIds: string[]): Promise<Array<number | null>> {
  if (!syncSwitchedOn(env)) return [];
  return Promise.all(usagePointIds.map((id) => scheduler(env, id).poke(id)));
}
