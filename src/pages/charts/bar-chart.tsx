import { labelEvery, niceAxis, type Axis } from "./axis";
import { ChartFrame, FRAME, PLOT, px, tickDigits, yOf } from "./frame";
import { frNumber } from "./format";

export interface Category {
  key: string;
  /** printed under the axis (some are skipped when there are many) */
  label: string;
  /** the bar's tooltip prefix, e.g. "20/11/2026" */
  tooltip: string;
  /** the bars of this category link there (e.g. the day's load curve) */
  href?: string;
}

export interface Series {
  name: string;
  /** CSS class of its bars (colour): "conso", "prod", "power" */
  className: string;
  values: (number | null)[];
}

export interface BarChartProps {
  id?: string;
  title: string;
  unit: string;
  categories: Category[];
  series: Series[];
  /** a horizontal line (subscribed power); bars above it get the class "over" */
  reference?: { value: number; label: string };
  digits?: number;
}

export interface BarRect {
  category: number;
  series: number;
  x: number;
  y: number;
  width: number;
  height: number;
  value: number;
}

/** Where each known value's bar goes: categories side by side, the series of one category next to each other. */
export function barRects(values: (number | null)[][], axis: Axis): BarRect[] {
  const count = Math.max(1, ...values.map((v) => v.length));
  const band = PLOT.width / count;
  const groupWidth = band * (count > 40 ? 0.9 : 0.75);
  const barWidth = groupWidth / Math.max(1, values.length);
  const rects: BarRect[] = [];
  values.forEach((serie, s) =>
    serie.forEach((value, i) => {
      if (value === null) return;
      const y = yOf(value, axis);
      rects.push({ category: i, series: s, x: PLOT.x + i * band + (band - groupWidth) / 2 + s * barWidth, y, width: barWidth, height: PLOT.y + PLOT.height - y, value });
    }),
  );
  return rects;
}

/** A bar chart with its value axis, unit, category labels and one tooltip per bar; unknown values are gaps. */
export function BarChart(props: BarChartProps) {
  const digits = props.digits ?? 1;
  const known = props.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const axis = niceAxis(Math.max(...known, props.reference ? props.reference.value * 1.1 : 0, 0));
  const rects = barRects(
    props.series.map((s) => s.values),
    axis,
  );
  const band = PLOT.width / Math.max(1, props.categories.length);
  const every = labelEvery(props.categories.length, 7);
  const description = props.series
    .map((s) => `${s.name} : ${s.values.filter((v) => v !== null).length} valeurs sur ${props.categories.length}`)
    .join(" ; ");
  return (
    <ChartFrame id={props.id} title={props.title} description={description} unit={props.unit} axis={axis} tickDigits={tickDigits(axis)}>
      {rects.map((r) => {
        const serie = props.series[r.series];
        const category = props.categories[r.category];
        const over = props.reference && r.value > props.reference.value ? " over" : "";
        const bar = (
          <rect class={`bar ${serie.className}${over}`} x={px(r.x)} y={px(r.y)} width={px(Math.max(r.width - 0.5, 0.8))} height={px(r.height)} data-key={category.key}>
            <title>{`${category.tooltip} — ${serie.name} : ${frNumber(r.value, digits)} ${props.unit}`}</title>
          </rect>
        );
        return category.href ? <a href={category.href}>{bar}</a> : bar;
      })}
      {props.reference ? (
        <g class="reference">
          <line x1={PLOT.x} x2={PLOT.x + PLOT.width} y1={px(yOf(props.reference.value, axis))} y2={px(yOf(props.reference.value, axis))} />
          <text x={PLOT.x + PLOT.width} y={px(yOf(props.reference.value, axis) - 5)} text-anchor="end">
            {props.reference.label}
          </text>
        </g>
      ) : null}
      {props.categories.map((c, i) =>
        i % every === 0 ? (
          <text class="x-label" x={px(PLOT.x + i * band + band / 2)} y={FRAME.height - FRAME.bottom + 18} text-anchor="middle">
            {c.label}
          </text>
        ) : null,
      )}
    </ChartFrame>
  );
}
