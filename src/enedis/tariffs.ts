/**
 * Data Connect 2026 writes the distribution tariff (TURPE "formule tarifaire d'acheminement") as a French
 * label where v5 gave a code. v5 clients read the code, so known labels are mapped back to it; the label is
 * kept beside it. An unknown label gets no code: a missing code is recoverable, a wrong one is not.
 */

/**
 * Known labels → v5 codes, for the BT ≤ 36 kVA options a household can have (TURPE 6/7: short, medium, long
 * use; single rate, peak/off-peak, peak/off-peak × two seasons). Seen in Enedis's answers: BTINFMU4
 * (anonymised fixtures) and BTINFCUST; the others follow Enedis's same wording for the other options.
 */
export const DISTRIBUTION_TARIFF_CODES: Readonly<Record<string, string>> = {
  "Tarif BT<=36kVA Courte Utilisation sans différenciation temporelle": "BTINFCUST",
  "Tarif BT<=36kVA Courte Utilisation heures pleines heures creuses associées à deux saisons": "BTINFCU4",
  "Tarif BT<=36kVA Moyenne Utilisation heures pleines heures creuses associées à deux saisons": "BTINFMU4",
  "Tarif BT<=36kVA Moyenne Utilisation heures pleines heures creuses": "BTINFMUDT",
  "Tarif BT<=36kVA Moyenne Utilisation différenciation temporelle": "BTINFMUDT",
  "Tarif BT<=36kVA Longue Utilisation sans différenciation temporelle": "BTINFLU",
  "Tarif BT<=36kVA Longue Utilisation": "BTINFLU",
};

/** Case, accents, spacing and "≤" vs "<=" vary between Enedis texts; the words do not. */
export function normaliseTariffLabel(label: string): string {
  return label
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/≤/g, "<=")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/\s*<=\s*/g, "<=")
    .replace(/(\d)\s*kva\b/g, "$1kva")
    .trim();
}

const BY_NORMALISED_LABEL = new Map(Object.entries(DISTRIBUTION_TARIFF_CODES).map(([label, code]) => [normaliseTariffLabel(label), code]));

/** Already a code (e.g. "BTINFMU4", "BTSUPCU4"): upper-case letters and digits, no spaces. */
const LOOKS_LIKE_CODE = /^[A-Z][A-Z0-9]{3,15}$/;

/**
 * A 2026 `distribution_tariff` → the v5 fields: `distribution_tariff` (code, when known) and
 * `distribution_tariff_label` (Enedis's label, whenever it gave one).
 */
export function distributionTariffFields(value: string | undefined): { distribution_tariff?: string; distribution_tariff_label?: string } {
  const text = value?.trim();
  if (!text) return {};
  if (LOOKS_LIKE_CODE.test(text)) return { distribution_tariff: text };
  const code = BY_NORMALISED_LABEL.get(normaliseTariffLabel(text));
  return code ? { distribution_tariff: code, distribution_tariff_label: text } : { distribution_tariff_label: text };
}
