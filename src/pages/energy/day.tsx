import { addDays } from "../../enedis/dates";
import type { IntervalReading } from "../../enedis/types";
import { frDay, frDayShort, frNumber } from "../charts/format";
import { LoadCurveChart } from "../charts/load-curve-chart";
import { readingWh } from "../charts/offpeak";
import { Legend, SeriesError } from "./parts";
import type { Props } from "./view";

/** The energy page's card of one day: its load curve, the days around it, a day picker. */

export function DayCard(props: Props) {
  const { data, url, offpeak, limits, pdl } = props;
  const consumption = data.dayConsumption?.readings ?? [];
  const production = data.dayProduction?.readings ?? [];
  const prev = addDays(data.day, -1);
  const next = addDays(data.day, 1);
  return (
    <section class="card" id="day">
      <h2>Courbe de charge du {frDay(data.day)}</h2>
      <nav class="day-nav" aria-label="Jour">
        {prev >= limits.oldestCurveDay ? (
          <a class="pill" href={`${url({ day: prev })}#day`} id="previous-day">
            ← {frDayShort(prev)}
          </a>
        ) : null}
        <form method="get" class="day-picker">
          {Object.entries({ period: data.period.key, start: data.period.key === "custom" ? data.period.range.start : undefined, end: data.period.key === "custom" ? addDays(data.period.range.end, -1) : undefined }).map(([k, v]) =>
            v ? <input type="hidden" name={k} value={v} /> : null,
          )}
          <input type="date" name="day" aria-label="Jour" value={data.day} min={limits.oldestCurveDay} max={limits.lastDay} required />
          <button type="submit" class="secondary">
            Voir
          </button>
        </form>
        {next <= limits.lastDay ? (
          <a class="pill" href={`${url({ day: next })}#day`} id="next-day">
            {frDayShort(next)} →
          </a>
        ) : null}
      </nav>
      <SeriesError read={data.dayConsumption} />
      <SeriesError read={data.dayProduction} />
      {consumption.length || production.length ? (
        <>
          {consumption.length ? <p class="muted">Consommation du jour : {frNumber(consumptionKwh(consumption))} kWh (moyenne par demi-heure, en kW).</p> : null}
          <LoadCurveChart id="day-chart" title={`Courbe de charge du ${frDay(data.day)}`} consumption={consumption} production={production} offpeak={offpeak} />
          <Legend
            items={[
              ...(consumption.length ? [["conso", "Consommation"]] : []),
              ...(production.length ? [["prod-line", "Production"]] : []),
              ...(offpeak.length ? [["offpeak", `Heures creuses ${pdl.offpeakHours ?? ""}`]] : []),
            ] as [string, string][]}
          />
        </>
      ) : !data.dayConsumption?.error && !data.dayProduction?.error ? (
        <p class="muted">Pas de courbe de charge pour ce jour.</p>
      ) : null}
    </section>
  );
}

/** kWh of a load curve: each reading is an average power over its interval. */
const consumptionKwh = (readings: IntervalReading[]) => readings.reduce((sum, r) => sum + readingWh(r), 0) / 1000;
