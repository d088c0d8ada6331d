import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import { addDays, todayInParis } from "../../src/enedis/dates";
import type { SyncScheduler } from "../../src/sync/scheduler";
import { bearer, json } from "../support/http";
import { BrowserOn, consent } from "../support/consent";

/**
 * Background sync in tests. The gateway's Date is moved to a fixed instant in the future (and keeps ticking, so rate
 * windows still pass): the simulator publishes by it, and alarms the scheduler sets for those instants never fire by
 * themselves on the real clock — each test runs them with runDurableObjectAlarm, when it chooses.
 * Requests go through BrowserOn with SYNC_ENABLED=true (vitest.config.ts switches sync off for every other test).
 */
export const at = (iso: string) => Date.parse(iso);

export function setNow(ms: number) {
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  vi.setSystemTime(ms);
}
export const restoreClock = () => vi.useRealTimers();

export const yesterday = () => addDays(todayInParis(new Date()), -1);
export const today = () => todayInParis(new Date());

export const scheduler = (usagePointId: string) => env.SYNC_SCHEDULER.get(env.SYNC_SCHEDULER.idFromName(usagePointId));
export const alarmOf = (usagePointId: string) => runInDurableObject(scheduler(usagePointId), (_i, state) => state.storage.getAlarm());
/**
 * Runs the PDL's alarm as the platform would at its time: the test's clock first moves to the alarm's time if that is
 * later, and the scheduler's clock follows the test's. False when no alarm was set.
 */
async function runAlarmOnce(usagePointId: string) {
  const alarm = await alarmOf(usagePointId);
  if (alarm !== null && alarm > Date.now()) setNow(alarm);
  await runInDurableObject(scheduler(usagePointId), (instance) => {
    (instance as unknown as SyncScheduler).now = () => Date.now(); // the test's clock (moved by setNow)
  });
  return runDurableObjectAlarm(scheduler(usagePointId));
}

/** A deferral by the Enedis budget comes back within this: the run is tried again then, as the alarm would. */
const DEFERRAL_MS = 30 * 60_000; // the budget's pace defers sync by minutes at most (docs/limits.md)

/**
 * Runs the PDL's alarm as the platform would — including the short re-runs the budget asks for when it defers sync's
 * calls (a second already busy with the consent's own calls, say) — and answers whether an alarm ran.
 */
export async function runAlarm(usagePointId: string) {
  const ran = await runAlarmOnce(usagePointId);
  for (let i = 0; i < 10; i++) {
    const next = await alarmOf(usagePointId);
    if (next === null || next - Date.now() > DEFERRAL_MS) break;
    await runAlarmOnce(usagePointId);
  }
  return ran;
}

export class SyncBrowser extends BrowserOn {
  constructor() {
    super({ SYNC_ENABLED: "true" });
  }
  api(path: string, secret: string, init: RequestInit = {}) {
    return this.fetch(path, { ...init, headers: { ...bearer(secret), ...(init.headers as Record<string, string>) } });
  }
}

/** A new account that consented for the household; its client secret. */
export async function household(name: string) {
  const browser = new SyncBrowser();
  const account = await browser.signup();
  await consent(browser, name);
  return { browser, ...account };
}

export interface SyncStatus {
  consent_valid: boolean;
  last_error?: string;
  sync: boolean;
  last_sync_at?: string;
  synced_through?: string;
}
export async function statusOf(browser: SyncBrowser, secret: string, pdl: string): Promise<SyncStatus> {
  const res = await browser.api(`/api/pdl/${pdl}/status`, secret);
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  return ((await res.json()) as { data: SyncStatus }).data;
}

export const patchSync = (browser: SyncBrowser, secret: string, pdl: string, sync: boolean) =>
  browser.api(`/api/pdl/${pdl}`, secret, { ...json({ sync }), method: "PATCH" });

export const SERIES_PATHS = {
  consumption_daily: "consumption/daily",
  consumption_load_curve: "consumption/detail",
  consumption_max_power: "power",
  production_daily: "production/daily",
  production_load_curve: "production/detail",
} as const;

export async function usage(browser: SyncBrowser, secret: string) {
  return ((await (await browser.api("/api/accounts/usage-stats", secret)).json()) as { data: { no_cache_requests: number; cached_requests: number } }).data;
}
