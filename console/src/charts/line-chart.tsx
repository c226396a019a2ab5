/**
 * A small SVG time-series chart: one or two lines over the last day, y from zero, time labels in
 * Asia/Seoul. SVG rather than a chart library: a few hundred points need no canvas, it scales
 * with the page, and it is labelled for screen readers (role="img" with the latest values).
 */
import { Box, Typography } from '@mui/material';
import { useLocaleState } from 'react-admin';
import { formatNumber, formatSeoulTime } from '../i18n/i18n-provider.ts';

export interface Series {
  label: string;
  colour: string;
  values: readonly number[];
  unit?: string;
}

export interface LineChartProps {
  title: string;
  times: readonly (string | number)[];
  series: readonly Series[];
  height?: number;
  emptyText: string;
}

const WIDTH = 600;
const PAD = { left: 56, right: 12, top: 12, bottom: 26 };
/** Beyond this many points a line is thinned; a day of 10 s samples is 8,640. */
const MAX_POINTS = 600;

function thin<T>(values: readonly T[]): T[] {
  if (values.length <= MAX_POINTS) {
    return [...values];
  }
  const step = values.length / MAX_POINTS;
  return Array.from({ length: MAX_POINTS }, (_, i) => values[Math.floor(i * step)] as T);
}

export function LineChart({ title, times, series, height = 180, emptyText }: LineChartProps) {
  const [locale] = useLocaleState();
  if (times.length < 2) {
    return (
      <Box>
        <Typography variant="subtitle2" component="h3">
          {title}
        </Typography>
        <Typography variant="body2" sx={{ color: 'text.secondary' }}>
          {emptyText}
        </Typography>
      </Box>
    );
  }
  const ts = thin(times.map((t) => new Date(t).getTime()));
  const t0 = ts[0] ?? 0;
  const t1 = ts.at(-1) ?? 1;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const x = (t: number) => PAD.left + ((t - t0) / Math.max(1, t1 - t0)) * plotW;
  const latest = series
    .map((s) => `${s.label} ${formatNumber(s.values.at(-1), locale, 1)}${s.unit ? ` ${s.unit}` : ''}`)
    .join(', ');
  return (
    <Box component="figure" sx={{ m: 0 }}>
      <Typography variant="subtitle2" component="figcaption">
        {title}
      </Typography>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-label={`${title}: ${latest}`}>
        {series.map((s, index) => {
          const values = thin(s.values);
          const max = Math.max(1, ...values) * 1.1;
          const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
          const path = values
            .map((v, i) => `${i === 0 ? 'M' : 'L'}${x(ts[i] ?? t0).toFixed(1)},${y(v).toFixed(1)}`)
            .join('');
          return (
            <g key={s.label}>
              <path d={path} fill="none" stroke={s.colour} strokeWidth={2} />
              <text
                x={index === 0 ? 4 : WIDTH - 4}
                y={PAD.top + 10}
                fontSize={11}
                fill={s.colour}
                textAnchor={index === 0 ? 'start' : 'end'}
              >
                {`${s.label} ≤ ${formatNumber(max, locale)}`}
              </text>
            </g>
          );
        })}
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={PAD.top + plotH} y2={PAD.top + plotH} stroke="#666" />
        <text x={PAD.left} y={height - 6} fontSize={11} fill="#333">
          {formatSeoulTime(t0, locale, false)}
        </text>
        <text x={WIDTH - PAD.right} y={height - 6} fontSize={11} fill="#333" textAnchor="end">
          {formatSeoulTime(t1, locale, false)}
        </text>
      </svg>
    </Box>
  );
}
