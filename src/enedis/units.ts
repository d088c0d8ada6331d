/**
 * Data Connect 2026 `unite` → the v5 base unit of each series (W, VA, Wh), with exact decimal arithmetic on
 * the value string: a float would turn "4.68" kVA into "4679.999999999999" VA.
 *
 * A unit we do not know, or one of another dimension than the series (Wh on a load curve), throws
 * ENEDIS_UNAVAILABLE: publishing a number in the wrong unit is worse than publishing none.
 */
import { EnedisUpstreamError } from "./errors";

/** The unit every v5 series is published in. */
export type BaseUnit = "W" | "VA" | "Wh";

/** Power-of-ten prefixes Enedis may put before a base unit. Lower-case "m" (milli) is not one of them. */
const PREFIXES: Record<string, number> = { "": 0, k: 3, K: 3, M: 6 };
/** Base units, by their case-insensitive spelling ("KWH", "kwh" and "kWh" are all seen in Enedis texts). */
const BASES: Record<string, BaseUnit> = { w: "W", va: "VA", wh: "Wh" };

/** `unite` → its base unit and the power of ten to multiply values by; undefined when not understood. */
export function parseUnit(unit: string): { base: BaseUnit; exponent: number } | undefined {
  const u = unit.trim();
  const direct = BASES[u.toLowerCase()];
  if (direct) return { base: direct, exponent: 0 };
  const exponent = PREFIXES[u.charAt(0)];
  const base = BASES[u.slice(1).toLowerCase()];
  return exponent !== undefined && exponent > 0 && base ? { base, exponent } : undefined;
}

/** A decimal number as sign, digits and the position of the decimal point (value = ±digits × 10^-scale). */
interface Decimal {
  negative: boolean;
  digits: string;
  scale: number;
}

/** "4.68", "-12", "0,5" (French comma), "1e3" → Decimal; anything else (null, "", "NaN", "12 kWh") → undefined. */
export function parseDecimal(value: unknown): Decimal | undefined {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return undefined;
    value = String(value);
  }
  if (typeof value !== "string") return undefined;
  const m = /^([+-]?)(\d*)(?:[.,](\d*))?(?:[eE]([+-]?\d{1,2}))?$/.exec(value.trim());
  if (!m || (m[2] + (m[3] ?? "")).length === 0) return undefined;
  const fraction = m[3] ?? "";
  return { negative: m[1] === "-", digits: m[2] + fraction, scale: fraction.length - Number(m[4] ?? 0) };
}

/** Decimal × 10^exponent, written plainly: no exponent, no leading zeros, no trailing fractional zeros. */
export function formatScaled(d: Decimal, exponent: number): string {
  const scale = d.scale - exponent;
  let digits = d.digits;
  if (scale < 0) digits += "0".repeat(-scale);
  const pointAt = digits.length - Math.max(scale, 0);
  const whole = (pointAt > 0 ? digits.slice(0, pointAt) : "").replace(/^0+/, "") || "0";
  const fraction = (pointAt < 0 ? "0".repeat(-pointAt) + digits : digits.slice(Math.max(pointAt, 0))).replace(/0+$/, "");
  const text = fraction ? `${whole}.${fraction}` : whole;
  return d.negative && /[1-9]/.test(text) ? `-${text}` : text;
}

/**
 * Checks a series' `unite` once and answers the converter of its values (string → base-unit string, or
 * undefined when the value is not a number: that point is skipped by the caller).
 * An absent `unite` is read as the series' own unit, which is what the swagger documents for each series.
 */
export function valueScaler(unit: string | undefined, expected: BaseUnit): (value: unknown) => string | undefined {
  const parsed = unit === undefined || unit.trim() === "" ? { base: expected, exponent: 0 } : parseUnit(unit);
  if (!parsed || parsed.base !== expected) {
    // The unit is Enedis's own label, not personal data: naming it makes the failure diagnosable.
    const shown = (unit ?? "").trim().slice(0, 20).replace(/[^\w°/%-]/g, "?");
    throw new EnedisUpstreamError(
      502,
      "ENEDIS_UNAVAILABLE",
      `Enedis a envoyé des mesures dans une unité inattendue (« ${shown} » au lieu de ${expected}) ; elles ne sont pas publiées.`,
      true,
      "unit",
    );
  }
  return (value) => {
    const d = parseDecimal(value);
    return d ? formatScaled(d, parsed.exponent) : undefined;
  };
}
