/**
 * The consent page's query, checked like Enedis checks it: known client_id, response_type=code,
 * an ISO-8601 duration of at most three years, a state of 1–100 characters.
 */
import { z } from "zod";

const ISO_DURATION = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

export const AuthorizeQuery = z.object({
  client_id: z.string().min(1, "client_id manquant"),
  response_type: z.literal("code", "response_type doit valoir « code »"),
  duration: z.string().regex(ISO_DURATION, "duration doit être une durée ISO 8601 (par exemple P3Y)"),
  state: z.string().min(1, "state manquant").max(100, "state ne doit pas dépasser 100 caractères"),
});
export type AuthorizeQuery = z.infer<typeof AuthorizeQuery>;

/** Instant `duration` after `from` (calendar arithmetic for years and months). */
export function addIsoDuration(from: Date, duration: string): Date | undefined {
  const m = ISO_DURATION.exec(duration);
  if (!m) return undefined;
  const [y, mo, w, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0));
  const out = new Date(from.getTime());
  out.setUTCFullYear(out.getUTCFullYear() + y, out.getUTCMonth() + mo, out.getUTCDate() + 7 * w + d);
  out.setTime(out.getTime() + ((h * 60 + mi) * 60 + s) * 1000);
  return out;
}

export type AuthorizeCheck = { ok: true; query: AuthorizeQuery; expiresAt: Date } | { ok: false; reason: string };

/** Validates the query against the application's client_id; the consent then lasts `duration` from `now`. */
export function checkAuthorizeQuery(input: Record<string, string | undefined>, expectedClientId: string, now: Date): AuthorizeCheck {
  const parsed = AuthorizeQuery.safeParse(input);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues[0]?.message ?? "paramètres invalides" };
  const query = parsed.data;
  if (query.client_id !== expectedClientId) return { ok: false, reason: "client_id inconnu" };
  const expiresAt = addIsoDuration(now, query.duration)!;
  const max = addIsoDuration(now, "P3Y")!;
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "duration doit être positive" };
  if (expiresAt.getTime() > max.getTime()) return { ok: false, reason: "duration ne peut pas dépasser trois ans (P3Y)" };
  return { ok: true, query, expiresAt };
}
