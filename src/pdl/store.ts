import { isPricingOption, offpeakRanges, PRICING_OPTIONS, pricingOptionOf, subscribedPowerKva } from "./public-fields";
import { z } from "@hono/zod-openapi";
import { and, count, eq, inArray } from "drizzle-orm";
import { db } from "../db/client";
import { nowIso, usagePoints } from "../db/schema";
import type { Env } from "../env";
import { AppError } from "../http/errors";
import type { Caller } from "../http/types";
import type { ContractSummary } from "../enedis/contract-summary";

export type UsagePointRow = typeof usagePoints.$inferSelect;

/**
 * The public shape of a PDL (API.md), also its OpenAPI schema. The field types are those of MyElectricalData's own
 * `/api/pdl`, whose client stores them in typed columns (pdl/public-fields.ts reads the texts kept in D1).
 */
export const PdlSchema = z
  .object({
    usage_point_id: z.string().openapi({ example: "09100000000001" }),
    name: z.string().nullable(),
    is_active: z.boolean(),
    has_consumption: z.boolean(),
    has_production: z.boolean(),
    subscribed_power: z.number().int().nullable().openapi({ example: 9, description: "subscribed power in kVA" }),
    offpeak_hours: z
      .object({ ranges: z.array(z.string().openapi({ example: "22:30-06:30" })) })
      .nullable()
      .openapi({ example: { ranges: ["22:30-06:30"] }, description: "off-peak ranges HH:MM-HH:MM (local time), null without off-peak hours" }),
    pricing_option: z.enum(PRICING_OPTIONS).nullable().openapi({ example: "HC_HP", description: "from Enedis's distribution tariff; null when unknown" }),
    activation_date: z.string().nullable().openapi({ example: "2016-03-14", description: "meter activation, YYYY-MM-DD" }),
    created_at: z.string(),
    consent_expires_at: z.string().nullable(),
  })
  .openapi("Pdl");

export const toPublicPdl = (p: UsagePointRow): z.infer<typeof PdlSchema> => ({
  usage_point_id: p.usagePointId,
  name: p.name,
  is_active: p.isActive,
  has_consumption: p.hasConsumption,
  has_production: p.hasProduction,
  subscribed_power: subscribedPowerKva(p.subscribedPower),
  offpeak_hours: offpeakRanges(p.offpeakHours),
  // PDLs attached before the column existed: off-peak hours alone still tell HC_HP.
  pricing_option: isPricingOption(p.pricingOption) ? p.pricingOption : pricingOptionOf(null, p.offpeakHours),
  activation_date: p.activationDate && /^\d{4}-\d{2}-\d{2}$/.test(p.activationDate) ? p.activationDate : null,
  created_at: p.createdAt,
  consent_expires_at: p.consentExpiresAt,
});

export const listPdls = (env: Env, userId: string) =>
  db(env).select().from(usagePoints).where(eq(usagePoints.userId, userId)).orderBy(usagePoints.createdAt, usagePoints.usagePointId).all();

/**
 * The ownership check every data route makes first (SECURITY.md property 4). One query filtered by both
 * the PDL and the caller's account: another account's PDL and a non-existent one take the same path and
 * answer the same 404.
 */
export async function ownedPdl(env: Env, userId: string, usagePointId: string): Promise<UsagePointRow> {
  const row = await db(env)
    .select()
    .from(usagePoints)
    .where(and(eq(usagePoints.usagePointId, usagePointId), eq(usagePoints.userId, userId)))
    .get();
  if (!row) throw new AppError(404, "PDL_NOT_FOUND", "Point de livraison inconnu sur ce compte.", { field: "usage_point_id" });
  return row;
}

/**
 * ownedPdl, from what the caller's authentication query already answered when it joined this PDL (http/auth.ts
 * requireAuthWithPdl): same check, same 404, no second round trip. Any other PDL is looked up as usual.
 */
export async function ownedPdlOf(env: Env, caller: Pick<Caller, "userId" | "pdl">, usagePointId: string): Promise<UsagePointRow> {
  if (caller.pdl?.usagePointId !== usagePointId) return ownedPdl(env, caller.userId, usagePointId);
  const row = caller.pdl.row;
  if (!row || row.userId !== caller.userId) throw new AppError(404, "PDL_NOT_FOUND", "Point de livraison inconnu sur ce compte.", { field: "usage_point_id" });
  return row;
}

export async function holdersOf(env: Env, usagePointIds: string[]) {
  if (usagePointIds.length === 0) return new Map<string, string>();
  const rows = await db(env)
    .select({ id: usagePoints.usagePointId, userId: usagePoints.userId })
    .from(usagePoints)
    .where(inArray(usagePoints.usagePointId, usagePointIds))
    .all();
  return new Map(rows.map((r) => [r.id, r.userId]));
}

/** What a consent learns about a PDL: its consent record, and its contract summary when Enedis could give it. */
export interface PdlConsentRecord {
  /** The PDL's consent record: its own end date and Enedis's state of it (ACTIF, DEMANDE; null for v1). */
  consentExpiresAt: string | null;
  consentStatus: string | null;
  /** What the consent could not learn (e.g. OFFPEAK_UNAVAILABLE), kept as the PDL's last error; null clears it. */
  lastError?: string | null;
  /** null: the contract could not be read now — a PDL already known keeps what it had. */
  summary: ContractSummary | null;
}

/**
 * Creates the PDL for this account (true), or refreshes its consent record — and its contract summary, when the
 * consent could read one — when the account already has it (false). A PDL held by another account is never moved:
 * PDL_TAKEN.
 */
export async function upsertPdl(env: Env, userId: string, usagePointId: string, r: PdlConsentRecord): Promise<boolean> {
  const s = { ...r.summary, consentExpiresAt: r.consentExpiresAt, consentStatus: r.consentStatus, lastError: r.lastError ?? null };
  const inserted = await db(env)
    .insert(usagePoints)
    .values({ usagePointId, userId, createdAt: nowIso(), ...s })
    .onConflictDoNothing()
    .returning({ id: usagePoints.usagePointId })
    .get();
  if (inserted) return true;
  const updated = await db(env)
    .update(usagePoints)
    .set(s)
    .where(and(eq(usagePoints.usagePointId, usagePointId), eq(usagePoints.userId, userId)))
    .returning({ id: usagePoints.usagePointId })
    .get();
  if (!updated) throw new AppError(409, "PDL_TAKEN", "Ce point de livraison est rattaché à un autre compte.");
  return false;
}

export async function updatePdl(env: Env, userId: string, usagePointId: string, patch: { name?: string | null; isActive?: boolean; sync?: boolean }) {
  const row = await db(env)
    .update(usagePoints)
    .set(patch)
    .where(and(eq(usagePoints.usagePointId, usagePointId), eq(usagePoints.userId, userId)))
    .returning()
    .get();
  if (!row) throw new AppError(404, "PDL_NOT_FOUND", "Point de livraison inconnu sur ce compte.", { field: "usage_point_id" });
  return row;
}

export async function setLastError(env: Env, usagePointId: string, code: string | null) {
  await db(env).update(usagePoints).set({ lastError: code }).where(eq(usagePoints.usagePointId, usagePointId));
}

export async function deletePdlRow(env: Env, userId: string, usagePointId: string) {
  await db(env).delete(usagePoints).where(and(eq(usagePoints.usagePointId, usagePointId), eq(usagePoints.userId, userId)));
}

export async function pdlCounts(env: Env) {
  return db(env).select({ userId: usagePoints.userId, n: count() }).from(usagePoints).groupBy(usagePoints.userId).all();
}

/**
 * A contract read through the mirror is the newest truth about the PDL: its summary in D1 follows it (a consent may
 * have attached the PDL without one, when Enedis's budget was busy). Written only when something changed.
 */
export async function refreshContractSummary(env: Env, pdl: UsagePointRow, s: ContractSummary) {
  const same =
    pdl.subscribedPower === s.subscribedPower &&
    pdl.offpeakHours === s.offpeakHours &&
    pdl.activationDate === s.activationDate &&
    pdl.hasConsumption === s.hasConsumption &&
    pdl.hasProduction === s.hasProduction;
  if (same) return;
  await db(env)
    .update(usagePoints)
    .set({ subscribedPower: s.subscribedPower, offpeakHours: s.offpeakHours, activationDate: s.activationDate, hasConsumption: s.hasConsumption, hasProduction: s.hasProduction })
    .where(and(eq(usagePoints.usagePointId, pdl.usagePointId), eq(usagePoints.userId, pdl.userId)));
}
