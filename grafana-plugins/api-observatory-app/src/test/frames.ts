/**
 * Turns recorded Prometheus API responses into the data frames Grafana's Prometheus datasource hands
 * to panels: one frame per series (time + value field carrying the labels, display name from the legend)
 * for time series, one frame with a column per label for table-format instant queries.
 */
import { FieldType, createDataFrame, type DataFrame } from '@grafana/data';

export interface PromResponse {
  status: string;
  data?: { resultType: 'matrix' | 'vector' | 'scalar' | 'string'; result: unknown };
  error?: string;
  errorType?: string;
}
type Matrix = Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;
type Vector = Array<{ metric: Record<string, string>; value: [number, string] }>;

const num = (s: string) => (s === '+Inf' || s === 'Inf' ? Infinity : s === '-Inf' ? -Infinity : Number(s));
const legendOf = (legend: string | undefined, labels: Record<string, string>) =>
  legend ? legend.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, l: string) => labels[l] ?? '') : undefined;

export function promFrames(response: PromResponse, o: { refId: string; legend?: string; table?: boolean }): DataFrame[] {
  if (response.status !== 'success' || !response.data) {
    return [];
  }
  const { resultType, result } = response.data;
  const series: Matrix =
    resultType === 'matrix'
      ? (result as Matrix)
      : resultType === 'vector'
        ? (result as Vector).map((s) => ({ metric: s.metric, values: [s.value] }))
        : resultType === 'scalar'
          ? [{ metric: {}, values: [result as [number, string]] }]
          : [];
  if (o.table) {
    const labels = [...new Set(series.flatMap((s) => Object.keys(s.metric)))].filter((l) => l !== '__name__').sort();
    const rows = series.flatMap((s) => s.values.map(([t, v]) => ({ t: t * 1000, v: num(v), m: s.metric })));
    return [
      createDataFrame({
        refId: o.refId,
        fields: [
          { name: 'Time', type: FieldType.time, values: rows.map((r) => r.t) },
          ...labels.map((l) => ({ name: l, type: FieldType.string, values: rows.map((r) => r.m[l] ?? '') })),
          { name: `Value #${o.refId}`, type: FieldType.number, values: rows.map((r) => r.v) },
        ],
      }),
    ];
  }
  return series.map((s) =>
    createDataFrame({
      refId: o.refId,
      name: legendOf(o.legend, s.metric),
      fields: [
        { name: 'Time', type: FieldType.time, values: s.values.map(([t]) => t * 1000) },
        { name: 'Value', type: FieldType.number, values: s.values.map(([, v]) => num(v)), labels: s.metric, config: { displayNameFromDS: legendOf(o.legend, s.metric) } },
      ],
    }),
  );
}
