/** A value axis that starts at zero and ends on a round number, with 3 to 6 ticks people can read at a glance. */
export interface Axis {
  max: number;
  ticks: number[];
}

export function niceAxis(maxValue: number, targetTicks = 4): Axis {
  if (!Number.isFinite(maxValue) || maxValue <= 0) return { max: 1, ticks: [0, 0.5, 1] };
  const raw = maxValue / targetTicks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const count = Math.ceil(maxValue / step - 1e-9);
  const ticks = Array.from({ length: count + 1 }, (_, i) => Number((i * step).toFixed(10)));
  return { max: ticks[ticks.length - 1], ticks };
}

/** How many category labels to skip so at most `maxLabels` are printed under the bars. */
export const labelEvery = (count: number, maxLabels: number) => Math.max(1, Math.ceil(count / maxLabels));
