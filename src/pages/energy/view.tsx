import { addDays } from "../../enedis/dates";
import type { UsagePointRow } from "../../pdl/store";
import { BarChart } from "../charts/bar-chart";
import type { ConsentState } from "../charts/consent-state";
import { periodTable, type PeriodTable } from "../charts/energy-table";
import { frDay, frDayShort, frMonth, frNumber } from "../charts/format";
import type { OffpeakRange } from "../charts/offpeak";
import { PERIOD_LABELS, type PeriodKey } from "../charts/period";
import { total } from "../charts/series";
import { MaxPowerCard, OffpeakCard } from "./cards";
import type { EnergyData } from "./data";
import { DayCard } from "./day";
import { categories, Legend, SeriesError, type EnergyUrl } from "./parts";
import { CacheOnly, ConsentCard } from "./status";

export interface Props {
  pdl: UsagePointRow;
  data: EnergyData;
  consent: ConsentState;
  lastError: string | null;
  offpeak: OffpeakRange[];
  url: EnergyUrl;
  crossSite: boolean;
  limits: { oldestDay: string; oldestCurveDay: string; lastDay: string };
}

const PRESETS: PeriodKey[] = ["7d", "30d", "12m"];

export function EnergyView(props: Props) {
  const { pdl, data, url } = props;
  const { range, byMonth } = data.period;
  const table = periodTable(range, byMonth, { consumption: data.consumption?.readings, production: data.production?.readings, maxPower: data.maxPower?.readings });
  return (
    <>
      <p>
        <a href="/dashboard">← Tableau de bord</a>
      </p>
      <h1>{pdl.name ?? `PDL ${pdl.usagePointId}`}</h1>
      <p class="muted">
        Point de livraison <code>{pdl.usagePointId}</code>
        {pdl.subscribedPower ? ` · ${pdl.subscribedPower}` : ""}
        {pdl.offpeakHours ? ` · ${pdl.offpeakHours}` : ""}
      </p>
      <ConsentCard consent={props.consent} lastError={props.lastError} />
      {data.mode === "cache" ? <CacheOnly crossSite={props.crossSite} active={pdl.isActive} href={url({})} /> : null}
      <PeriodPicker {...props} />
      <section class="card" id="energy">
        <h2>{pdl.hasProduction && pdl.hasConsumption ? "Consommation et production" : pdl.hasProduction ? "Production" : "Consommation"}</h2>
        <p class="muted">
          {PERIOD_LABELS[data.period.key]} : du {frDay(range.start)} au {frDay(addDays(range.end, -1))}
          {byMonth ? " (par mois)" : ""}
        </p>
        <Totals table={table} />
        <SeriesError read={data.consumption} />
        <SeriesError read={data.production} />
        <BarChart
          id="energy-chart"
          title={`Énergie ${byMonth ? "par mois" : "par jour"}`}
          unit="kWh"
          categories={categories(table.keys, byMonth, url)}
          series={[
            ...(table.consumption ? [{ name: "Consommation", className: "conso", values: table.consumption.map((b) => b.value) }] : []),
            ...(table.production ? [{ name: "Production", className: "prod", values: table.production.map((b) => b.value) }] : []),
          ]}
        />
        <Legend items={[...(table.consumption ? [["conso", "Consommation"]] : []), ...(table.production ? [["prod", "Production"]] : [])] as [string, string][]} />
        <p class="muted">
          {byMonth ? "Touchez un mois pour le voir jour par jour." : "Touchez un jour pour voir sa courbe de charge."}
          {byMonth && range.end.slice(0, 7) === addDays(range.end, -1).slice(0, 7) ? ` ${frMonth(range.end.slice(0, 7))} : jusqu'au ${frDay(addDays(range.end, -1))} seulement.` : ""}
        </p>
      </section>
      {pdl.hasConsumption && props.offpeak.length ? <OffpeakCard {...props} /> : null}
      {table.maxPower ? <MaxPowerCard table={table} byMonth={byMonth} subscribed={pdl.subscribedPower} read={data.maxPower} url={url} /> : null}
      <DayCard {...props} />
      <section class="card" id="csv">
        <h2>Télécharger</h2>
        <p class="form-actions">
          <a class="button secondary" id="csv-period" href={url({ view: "period" }, true)} download>
            La période (CSV)
          </a>
          <a class="button secondary" id="csv-day" href={url({ view: "day" }, true)} download>
            La courbe du {frDayShort(data.day)} (CSV)
          </a>
        </p>
        <p class="muted">Séparateur « ; », virgule décimale : s'ouvre tel quel dans un tableur.</p>
      </section>
    </>
  );
}

function Totals(props: { table: PeriodTable }) {
  const items = [
    ["consumption", "Consommation", props.table.consumption],
    ["production", "Production", props.table.production],
  ] as const;
  return (
    <p class="totals">
      {items.map(([id, label, series]) => {
        if (!series) return null;
        const t = total(series);
        return (
          <span>
            {label} totale : <strong id={`total-${id}`}>{frNumber(t.sum)} kWh</strong>
            {t.known < series.length ? <span class="muted"> ({t.known} sur {series.length} connus)</span> : null}
          </span>
        );
      })}
    </p>
  );
}

function PeriodPicker(props: Props) {
  const { data, url, limits } = props;
  const custom = data.period.key === "custom";
  return (
    <section class="card" id="period">
      <h2>Période</h2>
      <nav class="pills" aria-label="Période">
        {PRESETS.map((key) => (
          <a href={url({ period: key, start: undefined, end: undefined, day: undefined })} class={data.period.key === key ? "pill active" : "pill"} aria-current={data.period.key === key ? "page" : undefined}>
            {PERIOD_LABELS[key]}
          </a>
        ))}
      </nav>
      <form method="get" class="custom-period">
        <input type="hidden" name="period" value="custom" />
        <label>
          Du <input type="date" name="start" required min={limits.oldestDay} max={limits.lastDay} value={custom ? data.period.range.start : ""} />
        </label>
        <label>
          au <input type="date" name="end" required min={limits.oldestDay} max={limits.lastDay} value={custom ? addDays(data.period.range.end, -1) : ""} />
        </label>
        <button type="submit" class={custom ? "" : "secondary"}>
          Afficher
        </button>
      </form>
      {data.period.warning ? (
        <p class="error-text" role="alert" id="period-warning">
          {data.period.warning} Les 30 derniers jours sont affichés.
        </p>
      ) : null}
    </section>
  );
}
