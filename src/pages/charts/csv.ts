/**
 * CSV for a spreadsheet opened in France: `;` between cells, decimal comma, UTF-8 with a BOM (so accents survive
 * Excel). A cell starting with = + - @ gets a leading single quote, so a spreadsheet never runs it as a formula.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  let text = typeof value === "number" ? String(value).replace(".", ",") : value;
  if (/^[=+\-@]/.test(text)) text = `'${text}`;
  return /[";\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return "\uFEFF" + [header, ...rows].map((row) => row.map(csvCell).join(";")).join("\r\n") + "\r\n";
}

/** A number for a CSV cell, rounded so float noise (0.30000000000000004) does not reach the spreadsheet. */
export const round = (value: number | null, digits: number) => (value === null ? null : Number(value.toFixed(digits)));
