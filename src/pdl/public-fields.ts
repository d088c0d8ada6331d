/**
 * The typed PDL fields of MyElectricalData's own `/api/pdl` (API.md "Delivery points"): its client stores them in
 * typed columns and refuses the whole list when one does not fit, so each parser answers the type or null, never a
 * half-parsed value. The gateway keeps Enedis's v5 texts in D1 ("9 kVA", "HC (22H30-6H30)"); these read them.
 */

export const PRICING_OPTIONS = ["BASE", "HC_HP", "TEMPO", "EJP", "HC_WEEKEND"] as const;
export type PricingOption = (typeof PRICING_OPTIONS)[number];

/** "9 kVA" → 9, "9000 VA" → 9, "12" → 12 (kVA is Enedis's unit for subscribed power); anything else → null. */
export function subscribedPowerKva(text: string | null | undefined): number | null {
  const m = /^\s*(\d+(?:[.,]\d+)?)\s*(k?va)?\s*$/i.exec(text ?? "");
  if (!m) return null;
  const value = Number(m[1].replace(",", "."));
  const kva = m[2]?.toLowerCase() === "va" ? value / 1000 : value;
  return Number.isFinite(kva) && kva > 0 ? Math.round(kva) : null;
}

/**
 * "HC (22H30-6H30;2H00-7H00)" → { ranges: ["22:30-06:30", "02:00-07:00"] }. Enedis writes hours as `H`, `h` or `:`,
 * minutes optional. One range that does not read as two times makes the whole value null: a partial list of
 * off-peak hours would be wrong, not merely incomplete.
 */
export function offpeakRanges(text: string | null | undefined): { ranges: string[] } | null {
  const inner = /\(([^)]*)\)/.exec(text ?? "")?.[1] ?? (text ?? "").replace(/^\s*HC\b/i, "");
  const parts = inner
    .split(/[;,]/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return null;
  const ranges: string[] = [];
  for (const part of parts) {
    const m = /^(\d{1,2})\s*[hH:]\s*(\d{2})?\s*-\s*(\d{1,2})\s*[hH:]\s*(\d{2})?$/.exec(part);
    if (!m) return null;
    const from = clock(m[1], m[2]);
    const to = clock(m[3], m[4]);
    if (!from || !to) return null;
    ranges.push(`${from}-${to}`);
  }
  return { ranges };
}

function clock(hours: string, minutes = "00"): string | null {
  const h = Number(hours);
  const min = Number(minutes);
  if (h > 24 || min > 59 || (h === 24 && min !== 0)) return null;
  return `${String(h).padStart(2, "0")}:${String(min).padStart(2, "0")}`;
}

/**
 * The PDL's pricing option from what Enedis says about the distribution tariff (v5 code or 2026 label) and off-peak
 * hours. Enedis knows the network tariff, not the supplier's offer: TEMPO, EJP and HC_WEEKEND cannot be told from
 * it, so a household on them reads HC_HP (their meter does have off-peak hours) — never a guess beyond that.
 */
export function pricingOptionOf(distributionTariff: string | null | undefined, offpeakHours: string | null | undefined): PricingOption | null {
  const tariff = (distributionTariff ?? "").trim();
  if (/^BTINF\w*ST$|sans diff[ée]renciation/i.test(tariff)) return "BASE";
  if (/^BTINF\w*(DT|4)$|heures? pleines|heures? creuses/i.test(tariff)) return "HC_HP";
  if (offpeakRanges(offpeakHours)) return "HC_HP";
  return null;
}

export const isPricingOption = (value: string | null | undefined): value is PricingOption => PRICING_OPTIONS.includes(value as PricingOption);
