import { addDays } from "../../enedis/dates";
import type { Category } from "../charts/bar-chart";
import { frDay, frDayShort, frMonth } from "../charts/format";
import type { SeriesRead } from "./data";

/** Small pieces the energy page's cards share: links, legends, a series' error line. */

/** A link to this page (or its CSV) with some query parameters changed; undefined removes one. */
export type EnergyUrl = (change: Record<string, string | undefined>, csv?: boolean) => string;

export const SeriesError = (props: { read?: SeriesRead }) => (props.read?.error ? <p class="error-text">{props.read.error}</p> : null);

export function categories(keys: string[], byMonth: boolean, url: EnergyUrl): Category[] {
  return keys.map((key) =>
    byMonth
      ? { key, label: frMonth(key, true), tooltip: frMonth(key), href: url({ period: "custom", start: `${key}-01`, end: monthEnd(key), day: undefined }) }
      : { key, label: frDayShort(key), tooltip: frDay(key), href: `${url({ day: key })}#day` },
  );
}

export function Legend(props: { items: [string, string][] }) {
  return (
    <ul class="legend">
      {props.items.map(([cls, text]) => (
        <li>
          <span class={`swatch ${cls}`}></span>
          {text}
        </li>
      ))}
    </ul>
  );
}

/** Last day of a month "YYYY-MM": the day before the next month's first. */
export const monthEnd = (month: string) => addDays(`${addDays(`${month}-28`, 4).slice(0, 7)}-01`, -1);
