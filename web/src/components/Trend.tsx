import { tokens } from "@fluentui/react-components";

/** Trend is a small bar chart of failure counts, oldest first. */
export function Trend(props: { values: number[]; label: string }) {
  const max = Math.max(1, ...props.values);
  const w = 4;
  const h = 20;
  return (
    <svg width={props.values.length * (w + 1)} height={h} role="img" aria-label={props.label}>
      {props.values.map((v, i) => {
        const bh = v === 0 ? 1 : Math.max(2, (v / max) * h);
        return (
          <rect key={i} x={i * (w + 1)} y={h - bh} width={w} height={bh}
            fill={v === 0 ? tokens.colorNeutralStroke2 : tokens.colorPaletteRedBackground3} />
        );
      })}
    </svg>
  );
}
