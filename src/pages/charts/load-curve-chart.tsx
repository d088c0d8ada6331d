import type { IntervalReading } from "../../enedis/types";
import { niceAxis } from "./axis";
import { ChartFrame, FRAME, PLOT, px, tickDigits, yOf } from "./frame";
import { frNumber } from "./format";
import { intervalMinutes, isOffpeakReading, minuteOfDay, type OffpeakRange } from "./offpeak";

const hhmm = (minute: number) => `${String(Math.floor(minute / 60) % 24).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;

/** Runs of consecutive off-peak readings, as [first index, last index + 1): one shaded band each. */
export function offpeakRuns(readings: readonly IntervalReading[], ranges: readonly OffpeakRange[]): [number, number][] {
  const runs: [number, number][] = [];
  readings.forEach((r, i) => {
    if (!isOffpeakReading(r, ranges)) return;
    const last = runs[runs.length - 1];
    if (last && last[1] === i) last[1] = i + 1;
    else runs.push([i, i + 1]);
  });
  return runs;
}

/**
 * Hour marks under the curve: every 3 hours, at the end of the reading that closes that hour. Placed by reading,
 * not by clock, so a DST day's 46 or 50 half-hours all get their own bar and the marks stay where the hours are.
 */
export function hourMarks(readings: readonly IntervalReading[]): { index: number; label: string }[] {
  const marks = readings.length ? [{ index: 0, label: "0 h" }] : [];
  readings.forEach((r, i) => {
    const m = minuteOfDay(r.date);
    if (m % 180 !== 0) return;
    marks.push({ index: i + 1, label: i === readings.length - 1 && m === 0 ? "24 h" : `${m / 60} h` });
  });
  return marks;
}

/**
 * One day's load curve: consumption as half-hour bars in kW, off-peak hours shaded behind them, and a
 * producer's production as a line over them.
 */
export function LoadCurveChart(props: { id?: string; title: string; consumption: IntervalReading[]; production?: IntervalReading[]; offpeak: OffpeakRange[] }) {
  const base = props.consumption.length ? props.consumption : (props.production ?? []);
  const kw = (r: IntervalReading) => Number(r.value) / 1000;
  const productionByDate = new Map((props.production ?? []).map((r) => [r.date, kw(r)]));
  const values = [...props.consumption.map(kw), ...productionByDate.values()].filter(Number.isFinite);
  const axis = niceAxis(Math.max(...values, 0));
  const band = PLOT.width / Math.max(1, base.length);
  const bottom = PLOT.y + PLOT.height;
  const slot = (r: IntervalReading) => {
    const end = minuteOfDay(r.date);
    return `${hhmm(end - intervalMinutes(r.interval_length) + 1440)}–${hhmm(end)}`;
  };
  const productionPoints = props.production?.length
    ? base
        .map((r, i) => (productionByDate.has(r.date) ? `${px(PLOT.x + i * band + band / 2)},${px(yOf(productionByDate.get(r.date)!, axis))}` : null))
        .filter((p) => p !== null)
        .join(" ")
    : "";
  return (
    <ChartFrame id={props.id} title={props.title} description={`${base.length} intervalles`} unit="kW" axis={axis} tickDigits={tickDigits(axis)}>
      {offpeakRuns(base, props.offpeak).map(([from, to]) => (
        <rect class="offpeak-band" x={px(PLOT.x + from * band)} y={PLOT.y} width={px((to - from) * band)} height={PLOT.height}>
          <title>Heures creuses</title>
        </rect>
      ))}
      {props.consumption.map((r, i) => {
        const y = yOf(kw(r), axis);
        return (
          <rect class={`bar conso${isOffpeakReading(r, props.offpeak) ? " offpeak" : ""}`} x={px(PLOT.x + i * band + band * 0.1)} y={px(y)} width={px(band * 0.8)} height={px(bottom - y)}>
            <title>{`${slot(r)} : ${frNumber(kw(r), 2)} kW`}</title>
          </rect>
        );
      })}
      {productionPoints ? <polyline class="line prod" points={productionPoints} /> : null}
      {hourMarks(base).map((m) => (
        <text class="x-label" x={px(PLOT.x + m.index * band)} y={FRAME.height - FRAME.bottom + 18} text-anchor="middle">
          {m.label}
        </text>
      ))}
    </ChartFrame>
  );
}
