import { addDays, daysBetween } from "../../enedis/dates";
import { BarChart } from "../charts/bar-chart";
import type { PeriodTable } from "../charts/energy-table";
import { frDay, frMonth, frNumber } from "../charts/format";
import { offpeakShare } from "../charts/offpeak";
import { peak, subscribedKva } from "../charts/series";
import { ShareBar } from "../charts/share-bar";
import type { SeriesRead } from "./data";
import { categories, SeriesError, type EnergyUrl } from "./parts";
import type { Props } from "./view";

/** The off-peak share and max-power cards of the energy page. */

export function OffpeakCard(props: Props) {
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
            {shortened ? ` (les ${daysBetween(data.shareRange.start, data.shareRange.end)} derniers jours de la période)` : ""}.
          </p>
          <SeriesError read={curve} />
        </>
      )}
    </section>
  );
}

export function MaxPowerCard(props: { table: PeriodTable; byMonth: boolean; subscribed: string | null; read?: SeriesRead; url: EnergyUrl }) {
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
