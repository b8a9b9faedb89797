import type { Point } from '@api-observatory/backstage-plugin-api-observability-common';

/** A small SVG line of a series (no chart library). */
export function Sparkline(props: { points: Point[]; width?: number; height?: number; color?: string; label: string }) {
  const { points, width = 160, height = 36, color = '#1f77b4', label } = props;
  if (points.length < 2) {
    return (
      <svg width={width} height={height} role="img" aria-label={`${label}: not enough points`}>
        <line x1={0} y1={height - 1} x2={width} y2={height - 1} stroke="#ccc" strokeDasharray="3 3" />
      </svg>
    );
  }
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(0, ...ys), Math.max(...ys)];
  const sx = (x: number) => (x1 === x0 ? 0 : ((x - x0) / (x1 - x0)) * (width - 2) + 1);
  const sy = (y: number) => (y1 === y0 ? height / 2 : height - 2 - ((y - y0) / (y1 - y0)) * (height - 4));
  const d = points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
  return (
    <svg width={width} height={height} role="img" aria-label={label}>
      <polyline points={d} fill="none" stroke={color} strokeWidth={1.5} />
    </svg>
  );
}
