import { DurableObject } from "cloudflare:workers";
import { getConfig } from "../config";
import type { Env } from "../env";
import type { BudgetScope } from "../enedis/types";
import { BudgetLedger, type Begin, type BudgetLimits, type BudgetStats, type Reservation, type SyncReservation } from "./budget-ledger";

export type { Begin, BudgetStats, Reservation, SyncReservation } from "./budget-ledger";

/** The one instance every isolate talks to: Enedis's budget is global to the application, not per user. */
export const ENEDIS_BUDGET_NAME = "global";

/**
 * Enedis's global call budget (ENEDIS_RATE_LIMIT calls/s for all APIs together, ENEDIS_HOURLY_LIMIT calls per
 * rolling hour per API). It hands out start times instead of holding callers: a caller is told how long to
 * wait, so the object never sleeps and answers every isolate in microseconds. State lives in SQLite, so a
 * restart forgets neither the hour's calls nor the slots already promised.
 */
export class EnedisBudget extends DurableObject<Env> {
  private readonly ledger: BudgetLedger;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.ledger = new BudgetLedger(ctx.storage.sql);
  }

  reserve(api: BudgetScope, maxWaitMs: number): Reservation {
    return this.ledger.reserve(api, Math.max(0, maxWaitMs), Date.now(), this.limits());
  }

  /** Called by a granted caller at its slot, right before it calls Enedis: go now, or wait a little more. */
  begin(): Begin {
    return this.ledger.begin(Date.now(), this.limits());
  }

  /** Background sync's permit: now or never (a refusal says when to look again); interactive requests come first. */
  reserveSync(api: BudgetScope, accountId: string): SyncReservation {
    return this.ledger.reserveSync(api, accountId, Date.now(), this.limits());
  }

  blockUntil(api: BudgetScope | null, untilMs: number): void {
    this.ledger.blockUntil(api, untilMs, Date.now());
  }

  stats(): BudgetStats {
    return this.ledger.stats(Date.now());
  }

  private limits(): BudgetLimits {
    const config = getConfig(this.env);
    return { perSecond: config.rateLimitPerSecond, perHourPerApi: config.hourlyLimitPerApi, syncShare: config.syncBudgetShare };
  }
}
