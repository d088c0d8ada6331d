import { z } from "zod";
import type { ConsentOutcome } from "./outcomes";

/** What Enedis sent back to /oauth/callback, already validated. */
export type ConsentAnswer = { version: "v1"; usagePointIds: string[] } | { version: "v2"; autorisationId: string };

const usagePointIds = z
  .string()
  .max(2000)
  .transform((v) => v.split(/[,;]/).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^\d{14}$/)).min(1).max(100));

/** The callback's query, both generations' fields (each optional: which ones must be there depends on the config). */
export const CallbackQuery = z.object({
  state: z.string().max(200).optional(),
  code: z.string().max(500).optional(),
  usage_point_id: usagePointIds.optional(),
  // int64 in Enedis's swagger: digits only, so it can be written into the discovery request as a JSON number.
  autorisation_id: z.string().regex(/^\d{1,18}$/).optional(),
  error: z.string().max(100).optional(),
});
export type CallbackQuery = z.infer<typeof CallbackQuery>;

/**
 * Takes only the configured generation's answer (API.md, ENEDIS_AUTHORIZE_VERSION): v2 `autorisation_id`
 * (Enedis resolves it server-side), v1 `code` + `usage_point_id` (ids NOT signed by Enedis). Any trace of the other
 * generation's answer makes it malformed, so a v1-shaped answer with invented ids never reaches a v2 gateway's
 * discovery. `error=access_denied` is the household's refusal; any other `error` is a failure on Enedis's side.
 */
export function readConsentAnswer(q: CallbackQuery, version: "v1" | "v2"): { answer: ConsentAnswer } | { outcome: ConsentOutcome } {
  if (q.error !== undefined) return { outcome: q.error === "access_denied" ? "refused" : "enedis" };
  if (version === "v2") {
    // `code` alone is ignored (harmless without usage_point_id); `usage_point_id` is the v1 answer's mark.
    if (q.usage_point_id !== undefined || !q.autorisation_id) return { outcome: "malformed" };
    return { answer: { version: "v2", autorisationId: q.autorisation_id } };
  }
  if (q.autorisation_id !== undefined || !q.code || !q.usage_point_id) return { outcome: "malformed" };
  return { answer: { version: "v1", usagePointIds: q.usage_point_id } };
}
