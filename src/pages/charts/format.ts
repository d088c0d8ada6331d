/** French number and date labels for the charts (deterministic: no locale data needed from the runtime). */

const MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];

/** 1234.5 → "1 234,5" (thin no-break space between thousands, decimal comma). */
export function frNumber(value: number, digits = 1): string {
  const fixed = Math.abs(value).toFixed(digits);
  const [int, frac] = fixed.split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
  const sign = value < 0 && Number(fixed) !== 0 ? "-" : "";
  return frac ? `${sign}${grouped},${frac}` : `${sign}${grouped}`;
}

/** "2026-11-20" → "20/11". */
export const frDayShort = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}`;

/** "2026-11-20" → "20/11/2026". */
export const frDay = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

/** "2026-11" → "nov. 2026"; short: "nov. 26". */
export function frMonth(month: string, short = false): string {
  const name = MONTHS[Number(month.slice(5, 7)) - 1] ?? month;
  return `${name} ${short ? month.slice(2, 4) : month.slice(0, 4)}`;
}
