import type { Child } from "hono/jsx";
import type { Axis } from "./axis";
import { frNumber } from "./format";

/**
 * The frame every chart shares: a 480×250 drawing (scaled by CSS to the card's width; text stays readable on a
 * phone), horizontal grid lines with the value of each, and the unit above the value axis.
 */
export const FRAME = { width: 480, height: 250, left: 52, right: 20, top: 24, bottom: 34 } as const;
export const PLOT = {
  x: FRAME.left,
  y: FRAME.top,
  width: FRAME.width - FRAME.left - FRAME.right,
  height: FRAME.height - FRAME.top - FRAME.bottom,
} as const;

/** Vertical position of a value on the axis (0 at the bottom of the plot). */
export const yOf = (value: number, axis: Axis) => PLOT.y + PLOT.height - (Math.max(0, value) / axis.max) * PLOT.height;

/** Coordinates are written with one decimal: enough for a 480-wide drawing, and short HTML. */
export const px = (n: number) => Number(n.toFixed(1));

export function ChartFrame(props: { id?: string; title: string; description: string; unit: string; axis: Axis; tickDigits: number; children: Child }) {
  return (
    <svg class="chart ec" id={props.id} viewBox={`0 0 ${FRAME.width} ${FRAME.height}`} role="img" aria-label={props.title}>
      <title>{props.title}</title>
      <desc>{props.description}</desc>
      <text class="unit" x={px(PLOT.x - 8)} y="14" text-anchor="end">
        {props.unit}
      </text>
      {props.axis.ticks.map((t) => (
        <g class="tick">
          <line class="grid" x1={PLOT.x} x2={PLOT.x + PLOT.width} y1={px(yOf(t, props.axis))} y2={px(yOf(t, props.axis))} />
          <text x={px(PLOT.x - 8)} y={px(yOf(t, props.axis) + 4)} text-anchor="end">
            {frNumber(t, props.tickDigits)}
          </text>
        </g>
      ))}
      {props.children}
      <line class="axis" x1={PLOT.x} x2={PLOT.x + PLOT.width} y1={PLOT.y + PLOT.height} y2={PLOT.y + PLOT.height} />
    </svg>
  );
}

/** Digits a tick label needs: none for steps of 1 and more, one for 0.5, two for 0.25. */
export function tickDigits(axis: Axis): number {
  const step = axis.ticks[1] ?? 1;
  for (let d = 0; d < 3; d++) if (Math.abs(step * 10 ** d - Math.round(step * 10 ** d)) < 1e-9) return d;
  return 3;
}
