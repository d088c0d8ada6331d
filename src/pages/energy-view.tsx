import { addDays } from "../enedis/dates";
import type { IntervalReading } from "../enedis/types";
import type { UsagePointRow } from "../pdl/store";
import { BarChart, type Category } from "./charts/bar-chart";
import type { ConsentState } from "./charts/consent-state";
import { periodTable, type PeriodTable } from "./charts/energy-table";
import { frDay, frDayShort, frMonth, frNumber } from "./charts/format";
import { LoadCurveChart } from "./charts/load-curve-chart";
import { offpeakShare, readingWh, type OffpeakRange } from "./charts/offpeak";
import { PERIOD_LABELS, type PeriodKey } from "./charts/period";
import { peak, subscribedKva, total } from "./charts/series";
import { ShareBar } from "./charts/share-bar";
import type { EnergyData, SeriesRead } from "./energy-data";

/** A link to this page (or its CSV) with some query parameters changed; undefined removes one. */
export type EnergyUrl = (change: Record<string, string | undefined>, csv?: boolean) => string;

interface Props {
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

const SeriesError = (props: { read?: SeriesRead }) => (props.read?.error ? <p class="error-text">{props.read.error}</p> : null);

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

function categories(keys: string[], byMonth: boolean, url: EnergyUrl): Category[] {
  return keys.map((key) =>
    byMonth
      ? { key, label: frMonth(key, true), tooltip: frMonth(key), href: url({ period: "custom", start: `${key}-01`, end: monthEnd(key), day: undefined }) }
      : { key, label: frDayShort(key), tooltip: frDay(key), href: `${url({ day: key })}#day` },
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

function Legend(props: { items: [string, string][] }) {
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

function ConsentCard(props: { consent: ConsentState; lastError: string | null }) {
  return (
    <section class="card" id="consent">
      {props.consent.valid ? (
        <p>
          Consentement Enedis <strong class="ok-text">valide</strong>
          {props.consent.until ? ` jusqu'au ${frDay(props.consent.until)}` : ""}.
        </p>
      ) : (
        <form method="post" action="/consent" class="consent-renew">
          <p>
            Consentement Enedis : <strong class="error-text">à renouveler</strong>
            {props.consent.until ? ` (fin prévue le ${frDay(props.consent.until)})` : ""}.
          </p>
          <button type="submit">Consentement Enedis</button>
        </form>
      )}
      {props.lastError ? (
        <p class="error-text" id="last-error">
          Dernière erreur Enedis : {props.lastError}
        </p>
      ) : null}
    </section>
  );
}

function CacheOnly(props: { crossSite: boolean; active: boolean; href: string }) {
  return (
    <section class="card notice" id="cache-only">
      {props.active ? (
        <>
          <p>Cette page a été ouverte depuis un autre site : seules les données déjà en cache sont affichées, sans appel à Enedis ni quota consommé.</p>
          <p>
            <a class="button" href={props.href} id="load-rest">
              Charger les données manquantes
            </a>
          </p>
        </>
      ) : (
        <p>Point de livraison désactivé : seules les données déjà en cache sont affichées. Réactivez-le depuis « Détails » pour lire la suite.</p>
      )}
    </section>
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

function OffpeakCard(props: Props) {
  const { data, offpeak } = props;
  const curve = data.curve;
  const share = offpeakShare(curve?.readings ?? [], offpeak);
  const shortened = data.shareRange.start !== data.period.range.start;
  return (
    <section class="card" id="offpeak">
      <h2>Part en heures creuses</h2>
      {share.share === null ? (
        curve?.error ? <p class="error-text">{curve.error}</p> : <p class="muted">Pas encore de courbe de charge pour cette période.</p>
      ) : (
        <>
          <p>
            <strong id="offpeak-share">{Math.round(share.share * 100)} %</strong> de la consommation en heures creuses ({props.pdl.offpeakHours})
          </p>
          <ShareBar share={share} />
          <p class="muted">
            Calculée sur la courbe de charge : {share.days} jour{share.days > 1 ? "s" : ""} du {frDay(data.shareRange.start)} au {frDay(addDays(data.shareRange.end, -1))}
            {shortened ? " (les 31 derniers jours de la période)" : ""}.
          </p>
          <SeriesError read={curve} />
        </>
      )}
    </section>
  );
}

function MaxPowerCard(props: { table: PeriodTable; byMonth: boolean; subscribed: string | null; read?: SeriesRead; url: EnergyUrl }) {
  const kva = subscribedKva(props.subscribed);
  const series = props.table.maxPower!;
  const top = peak(series);
  return (
    <section class="card" id="max-power">
      <h2>Puissance maximale {props.byMonth ? "de chaque mois" : "de chaque jour"}</h2>
      <p>
        {top ? (
          <>
            Pic : <strong>{frNumber(top.value!, 1)} kVA</strong> {props.byMonth ? `en ${frMonth(top.key)}` : `le ${frDay(top.key)}`}
          </>
        ) : (
          "Pas encore de mesure sur cette période."
        )}
        {kva !== null ? ` · puissance souscrite : ${frNumber(kva, kva % 1 ? 1 : 0)} kVA` : ""}
      </p>
      <SeriesError read={props.read} />
      <BarChart
        id="max-power-chart"
        title="Puissance maximale atteinte"
        unit="kVA"
        categories={categories(props.table.keys, props.byMonth, props.url)}
        series={[{ name: "Puissance max", className: "power", values: series.map((b) => b.value) }]}
        reference={kva !== null ? { value: kva, label: `Souscrite : ${frNumber(kva, kva % 1 ? 1 : 0)} kVA` } : undefined}
        digits={2}
      />
    </section>
  );
}

function DayCard(props: Props) {
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

/** Last day of a month "YYYY-MM": the day before the next month's first. */
const monthEnd = (month: string) => addDays(`${addDays(`${month}-28`, 4).slice(0, 7)}-01`, -1);
