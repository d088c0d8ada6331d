import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import type { ErrorShape } from "./error-shapes";

/**
 * The simulator's shared state, one instance for the whole simulated Enedis (`idFromName("global")`),
 * so limits hold across isolates like Enedis's gateway does:
 * - the 5-calls-in-any-second burst limit (Q3), all APIs together;
 * - the hourly caps (v5: 10 000/h for the application; 2026: 1000/h per API);
 * - queued faults (`/_control/faults`), revoked access tokens, and call statistics;
 * - the levers read by routes: error-body shape, consent-listing timing, lasting technical errors per PRM.
 * Each API call makes one RPC, `admit`; only error answers and `subscribed_services` also read `levers`.
 */

export const PER_SECOND_LIMIT = 5;
const HOUR_MS = 3_600_000;

export interface CallDescriptor {
  /** Path after `/simulator`, e.g. "/metering_data_dc/v5/daily_consumption" or "/situation_contrat_auto/v1/{prm}". */
  path: string;
  /** Hourly quota bucket ("v5" or the 2026 API name); none for the token endpoint. */
  hourlyBucket?: string;
  hourlyLimit?: number;
  usagePointId?: string;
  /** Id of the bearer token presented (checked against revocations). */
  tokenId?: string;
}

export type FaultStatus = 500 | 503 | 429 | 401;

export interface Fault {
  /** Matches a call whose path (without leading "/") starts with this, e.g. "metering_data_clc" or "mesure_synchrone_auto/v2/courbe_de_charge_consommation". */
  api?: string;
  usagePointId?: string;
  status: FaultStatus;
  remaining: number;
}

/** How long a v2 consent of a `servicesListedLate` household stays unlisted, then `DEMANDE`, after it is given. */
export interface ConsentTiming {
  hiddenMs: number;
  demandeMs: number;
}

export const DEFAULT_CONSENT_TIMING: ConsentTiming = { hiddenMs: 2000, demandeMs: 60_000 };

export interface SimulatorLevers {
  errorShape: ErrorShape;
  consentTiming: ConsentTiming;
}

/** A PRM answering 500 `technical_error` until `untilMs`, or for its next `remaining` calls. */
export interface TechnicalErrorSpell {
  untilMs?: number;
  remaining?: number;
}

export type Admission =
  | { outcome: "ok" }
  | { outcome: "technical_error" }
  | { outcome: "revoked" }
  | { outcome: "fault"; status: FaultStatus }
  | { outcome: "throttled"; window: "second" | "hour"; retryAtMs: number };

export interface SimulatorStats {
  since: string;
  total: number;
  throttled: number;
  by_path: Record<string, number>;
}

/** How many arrival times `stats()` keeps (the benchmark's bursts are well below it). */
export const ARRIVALS_KEPT = 2000;

interface HourlyCounters {
  hourIndex: number;
  counts: Record<string, number>;
}

const freshStats = (nowMs: number): SimulatorStats => ({ since: new Date(nowMs).toISOString(), total: 0, throttled: 0, by_path: {} });

export class SimulatorThrottle extends DurableObject<Env> {
  /** Admission times of the last second; memory is enough (losing it on eviction loses at most a second). */
  private recent: number[] = [];
  /**
   * Arrival time (this object's clock, ms) of every call since the last reset, the last ARRIVALS_KEPT of them:
   * lets the benchmark compute the strict "most calls in any 1 s" and the pacing of the gateway's budget.
   * Memory only, like `recent`: an eviction empties it, which `arrivals_ms.length < total` reveals.
   */
  private arrivals: number[] = [];

  private get kv() {
    return this.ctx.storage.kv;
  }

  /** Counts the call, then decides: queued fault, revoked token, burst limit, hourly cap — or admitted. */
  admit(call: CallDescriptor): Admission {
    const now = Date.now();
    const stats = this.kv.get<SimulatorStats>("stats") ?? freshStats(now);
    stats.total++;
    stats.by_path[call.path] = (stats.by_path[call.path] ?? 0) + 1;
    this.arrivals.push(now);
    if (this.arrivals.length > ARRIVALS_KEPT) this.arrivals.splice(0, this.arrivals.length - ARRIVALS_KEPT);

    const admission = this.decide(call, now);
    if (admission.outcome === "throttled") stats.throttled++;
    this.kv.put("stats", stats);
    return admission;
  }

  private decide(call: CallDescriptor, now: number): Admission {
    const fault = this.takeFault(call);
    if (fault) return { outcome: "fault", status: fault };

    if (call.tokenId && this.kv.get<number>(`revoked:${call.tokenId}`) !== undefined) return { outcome: "revoked" };

    this.recent = this.recent.filter((t) => t > now - 1000);
    if (this.recent.length >= PER_SECOND_LIMIT) return { outcome: "throttled", window: "second", retryAtMs: this.recent[0] + 1000 };

    const hourIndex = Math.floor(now / HOUR_MS);
    let hourly = this.kv.get<HourlyCounters>("hourly");
    if (!hourly || hourly.hourIndex !== hourIndex) hourly = { hourIndex, counts: {} };
    if (call.hourlyBucket && call.hourlyLimit !== undefined) {
      const used = hourly.counts[call.hourlyBucket] ?? 0;
      if (used >= call.hourlyLimit) return { outcome: "throttled", window: "hour", retryAtMs: (hourIndex + 1) * HOUR_MS };
      hourly.counts[call.hourlyBucket] = used + 1;
      this.kv.put("hourly", hourly);
    }
    this.recent.push(now);
    // Admitted by the gateway, then failed by Enedis's back end: it counts against the limits.
    if (call.usagePointId && this.takeTechnicalError(call.usagePointId, now)) return { outcome: "technical_error" };
    return { outcome: "ok" };
  }

  private takeTechnicalError(usagePointId: string, now: number): boolean {
    const spells = this.kv.get<Record<string, TechnicalErrorSpell>>("technical") ?? {};
    const spell = spells[usagePointId];
    if (!spell) return false;
    if (spell.remaining !== undefined) {
      spell.remaining--;
      if (spell.remaining <= 0) delete spells[usagePointId];
      this.kv.put("technical", spells);
      return true;
    }
    if ((spell.untilMs ?? 0) > now) return true;
    delete spells[usagePointId];
    this.kv.put("technical", spells);
    return false;
  }

  addTechnicalError(usagePointId: string, spell: TechnicalErrorSpell): void {
    const spells = this.kv.get<Record<string, TechnicalErrorSpell>>("technical") ?? {};
    spells[usagePointId] = spell;
    this.kv.put("technical", spells);
  }

  /** PRMs currently failing with `technical_error` (expired spells left out). */
  technicalErrors(): Record<string, TechnicalErrorSpell> {
    const now = Date.now();
    const spells = this.kv.get<Record<string, TechnicalErrorSpell>>("technical") ?? {};
    return Object.fromEntries(Object.entries(spells).filter(([, s]) => s.remaining !== undefined || (s.untilMs ?? 0) > now));
  }

  levers(): SimulatorLevers {
    return this.kv.get<SimulatorLevers>("levers") ?? { errorShape: "default", consentTiming: DEFAULT_CONSENT_TIMING };
  }

  setErrorShape(errorShape: ErrorShape): SimulatorLevers {
    const levers = { ...this.levers(), errorShape };
    this.kv.put("levers", levers);
    return levers;
  }

  setConsentTiming(consentTiming: ConsentTiming): SimulatorLevers {
    const levers = { ...this.levers(), consentTiming };
    this.kv.put("levers", levers);
    return levers;
  }

  private takeFault(call: CallDescriptor): FaultStatus | undefined {
    const faults = this.kv.get<Fault[]>("faults") ?? [];
    const path = call.path.replace(/^\//, "");
    const index = faults.findIndex(
      (f) =>
        f.remaining > 0 &&
        (!f.api || path.startsWith(f.api.replace(/^\//, ""))) &&
        (!f.usagePointId || f.usagePointId === call.usagePointId),
    );
    if (index < 0) return undefined;
    const fault = faults[index];
    fault.remaining--;
    this.kv.put("faults", faults.filter((f) => f.remaining > 0));
    return fault.status;
  }

  revokeToken(tokenId: string, expiresAtMs: number): void {
    this.kv.put(`revoked:${tokenId}`, expiresAtMs);
  }

  addFault(fault: Fault): number {
    const faults = this.kv.get<Fault[]>("faults") ?? [];
    faults.push(fault);
    this.kv.put("faults", faults);
    return faults.reduce((n, f) => n + f.remaining, 0);
  }

  stats(): SimulatorStats & { pending_faults: number; arrivals_ms: number[] } {
    const stats = this.kv.get<SimulatorStats>("stats") ?? freshStats(Date.now());
    const pending = (this.kv.get<Fault[]>("faults") ?? []).reduce((n, f) => n + f.remaining, 0);
    return { ...stats, pending_faults: pending, arrivals_ms: [...this.arrivals] };
  }

  /** Clears counters (burst window, hourly caps, statistics), queued faults and the levers (back to defaults); revocations stay. */
  reset(): void {
    this.recent = [];
    this.arrivals = [];
    this.kv.delete("hourly");
    this.kv.delete("faults");
    this.kv.delete("technical");
    this.kv.delete("levers");
    this.kv.put("stats", freshStats(Date.now()));
  }
}

/** The single simulator instance. */
export function simulatorThrottle(env: Env) {
  return env.SIMULATOR_THROTTLE.get(env.SIMULATOR_THROTTLE.idFromName("global"));
}
