import { frNumber } from "./format";
import type { OffpeakShare } from "./offpeak";

/** The off-peak share as one horizontal bar split in two, with the percentage and the kWh of each part. */
export function ShareBar(props: { share: OffpeakShare }) {
  const { share } = props;
  if (share.share === null) return null;
  const width = 480;
  const offWidth = Number((share.share * width).toFixed(1));
  const percent = Math.round(share.share * 100);
  return (
    <svg class="chart ec share" viewBox={`0 0 ${width} 28`} role="img" aria-label={`Heures creuses : ${percent} % de la consommation`}>
      <title>{`Heures creuses : ${percent} %, heures pleines : ${100 - percent} %`}</title>
      <rect class="share-off" x="0" y="0" width={offWidth} height="28" />
      <rect class="share-peak" x={offWidth} y="0" width={Number((width - offWidth).toFixed(1))} height="28" />
      {share.share >= 0.12 ? (
        <text class="share-label" x="8" y="19">{`HC ${percent} % · ${frNumber(share.offpeakWh / 1000)} kWh`}</text>
      ) : null}
      {share.share <= 0.88 ? (
        <text class="share-label" x={width - 8} y="19" text-anchor="end">{`HP ${100 - percent} % · ${frNumber((share.totalWh - share.offpeakWh) / 1000)} kWh`}</text>
      ) : null}
    </svg>
  );
}
