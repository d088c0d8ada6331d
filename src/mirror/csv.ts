import type { MeterReading } from "../enedis/types";

/** `?format=csv`: one row per reading, RFC 4180, with the unit in the header so a spreadsheet needs nothing else. */
export function meterReadingToCsv(reading: MeterReading): string {
  const unit = reading.reading_type.unit;
  const rows = [`usage_point_id,date,value_${unit},interval_length`];
  for (const r of reading.interval_reading) rows.push([reading.usage_point_id, r.date, r.value, r.interval_length ?? ""].map(cell).join(","));
  return rows.join("\r\n") + "\r\n";
}

const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
