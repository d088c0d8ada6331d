import type { Env } from "../env";
import type { UsagePointRow } from "../pdl/store";
import { parisDay } from "../simulator/calendar";
import { isResting, shouldTouchLastRead } from "./plan";
import { scheduleSync } from "./scheduler";
import { syncStateOf, updateSyncRow } from "./store";

/**
 * The mirror's read path records that someone still reads this PDL: at most one D1 write a day per PDL. A PDL whose
 * sync was resting (unread for 14 days) resumes: its scheduler is woken.
 */
export async function noteRead(env: Env, pdl: UsagePointRow, nowMs = Date.now()) {
  if (!shouldTouchLastRead(pdl.lastReadDay, nowMs)) return;
  const wasResting = pdl.sync && isResting(syncStateOf(pdl), nowMs);
  await updateSyncRow(env, pdl, { lastReadDay: parisDay(nowMs) });
  if (wasResting) await scheduleSync(env, [pdl.usagePointId]);
}
