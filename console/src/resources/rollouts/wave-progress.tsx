/** Each wave of a rollout: its state, a progress bar of sites updated, and its bake timer. */
import { Box, LinearProgress, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useRecordContext, useTranslate } from 'react-admin';

interface WaveStatus {
  name: string;
  state: string;
  sitesTotal: number;
  sitesUpdated: number;
  sitesHealthy: number;
  bakingSince?: string | null;
}

function useNow(every: number) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), every);
    return () => clearInterval(timer);
  }, [every]);
  return now;
}

export function WaveProgress() {
  const translate = useTranslate();
  const record = useRecordContext<{
    spec: { waves: { name: string }[]; healthGate: { bakeSeconds: number } };
    status?: { waves?: WaveStatus[] | null } | null;
  }>();
  const now = useNow(1000);
  if (!record) {
    return null;
  }
  const statuses = new Map((record.status?.waves ?? []).map((w) => [w.name, w]));
  // The status lists every wave the controller planned (the canary first); before it has, the spec's.
  const waves = (record.status?.waves?.length ?? 0) > 0 ? (record.status?.waves ?? []) : record.spec.waves;
  const bake = record.spec.healthGate.bakeSeconds;
  return (
    <Box component="ol" sx={{ p: 0, m: 0, listStyle: 'none' }} data-testid="rollout-waves">
      {waves.map((wave) => {
        const s = statuses.get(wave.name);
        const total = s?.sitesTotal ?? 0;
        const percent = total > 0 ? (100 * (s?.sitesUpdated ?? 0)) / total : 0;
        const elapsed = s?.bakingSince
          ? Math.min(bake, Math.floor((now - new Date(s.bakingSince).getTime()) / 1000))
          : undefined;
        return (
          <Box component="li" key={wave.name} sx={{ mb: 1.5 }}>
            <Typography variant="subtitle2">
              {wave.name} · {translate(`app.wave_state.${s?.state ?? 'PENDING'}`)}
            </Typography>
            <LinearProgress
              variant="determinate"
              value={percent}
              aria-label={`${wave.name} ${Math.round(percent)}%`}
              sx={{ height: 8, borderRadius: 4 }}
            />
            <Typography variant="body2">
              {translate('app.rollout.wave_progress', {
                updated: s?.sitesUpdated ?? 0,
                total,
                healthy: s?.sitesHealthy ?? 0,
              })}
              {elapsed !== undefined && s?.state === 'BAKING'
                ? ` · ${translate('app.rollout.bake', { elapsed: translate('app.units.seconds', { value: elapsed }), bake: translate('app.units.seconds', { value: bake }) })}`
                : ''}
            </Typography>
          </Box>
        );
      })}
    </Box>
  );
}
