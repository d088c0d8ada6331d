import type { MeterReading } from "../enedis/types";

/** `?format=csv`: one row per reading, RFC 4180, with the unit in the header so a spreadsheet needs nothing else. */
export function meterReadingToCsv(reading: MeterReading): string {
  const unit = reading.reading_type.unit;
  const rows = [["usage_point_id", "date", `value_${unit}`, "interval_length"].map(csvCell).join(",")];
  for (const r of reading.interval_reading) rows.push([reading.usage_point_id, r.date, r.value, r.interval_length ?? ""].map(csvCell).join(","));
  return rows.join("\r\n") + "\r\n";
}

/**
 * Characters that make a spreadsheet read a cell as a formula (CSV injection, SECURITY.md property 6). Every cell
 * comes from Enedis, not from us: a leading single quote makes such a cell plain text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: neutralised if it could start a formula, then quoted if RFC 4180 requires it. */
export function csvCell(value: string): string {
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
