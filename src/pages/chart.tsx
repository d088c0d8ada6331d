import type { IntervalReading } from "../enedis/types";

/** A small server-rendered bar chart (SVG, no script): one bar per daily reading, in kWh. */
export function DailyChart(props: { readings: IntervalReading[]; production?: boolean; title: string }) {
  const values = props.readings.map((r) => Number(r.value) / 1000);
  const max = Math.max(...values, 0.001);
  const width = 600;
  const height = 160;
  const bar = width / Math.max(values.length, 1);
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${height + 20}`} role="img" aria-label={props.title}>
      <title>{props.title}</title>
      {values.map((v, i) => {
        const h = (v / max) * height;
        return (
          <rect class={props.production ? "bar prod" : "bar"} x={i * bar + 1} y={height - h} width={Math.max(bar - 2, 1)} height={h}>
            <title>{`${props.readings[i].date} : ${v.toFixed(1)} kWh`}</title>
          </rect>
        );
      })}
      <text x="0" y={height + 14}>{props.readings[0]?.date ?? ""}</text>
      <text x={width} y={height + 14} text-anchor="end">{`${props.readings.at(-1)?.date ?? ""} · max ${max.toFixed(1)} kWh`}</text>
    </svg>
  );
}
