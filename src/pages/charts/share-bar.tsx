import { frNumber } from "./format";
import type { OffpeakShare } from "./offpeak";

/** The off-peak share as one horizontal bar split in two, with the percentage and the kWh of each part. */
export function ShareBar(props: { share: OffpeakShare }) {
  const { share } = props;
  if (share.share === null) return null;
  const width = 480;
  const offWidth = Number((share.share * width).toFixed(1));
  const percent = Math.round(share.share * 100);
  // Labels sit under the bar, not in it: they stay readable whatever the split and the screen's width.
  return (
    <svg class="chart ec share" viewBox={`0 0 ${width} 50`} role="img" aria-label={`Heures creuses : ${percent} % de la consommation`}>
      <title>{`Heures creuses : ${percent} %, heures pleines : ${100 - percent} %`}</title>
      <rect class="share-off" x="0" y="0" width={offWidth} height="22" />
      <rect class="share-peak" x={offWidth} y="0" width={Number((width - offWidth).toFixed(1))} height="22" />
      <text class="share-label off" x="0" y="44">{`HC ${percent} % · ${frNumber(share.offpeakWh / 1000)} kWh`}</text>
      <text class="share-label peak" x={width} y="44" text-anchor="end">{`HP ${100 - percent} % · ${frNumber((share.totalWh - share.offpeakWh) / 1000)} kWh`}</text>
    </svg>
  );
}
