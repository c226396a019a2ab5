/** Rollouts in progress with the wave each is in and how far that wave has got. */
import { Box, LinearProgress, Typography } from '@mui/material';
import { Link, useTranslate } from 'react-admin';
import { useActiveRollouts } from './use-fleet-data.ts';

export function ActiveRollouts() {
  const translate = useTranslate();
  const { data, error, isPending } = useActiveRollouts(true);
  if (error) {
    return <Typography role="alert">{translate('app.states.error', { message: error.message })}</Typography>;
  }
  if (isPending) {
    return <Typography>{translate('app.states.loading')}</Typography>;
  }
  if (!data || data.length === 0) {
    return (
      <Typography sx={{ color: 'text.secondary' }}>{translate('app.dashboard.rollouts_none')}</Typography>
    );
  }
  return (
    <Box component="ul" sx={{ p: 0, m: 0, listStyle: 'none' }}>
      {data.slice(0, 8).map((rollout) => {
        const wave = rollout.status?.waves?.find((w) => w.name === rollout.status?.currentWave);
        const percent = wave && wave.sitesTotal > 0 ? (100 * wave.sitesUpdated) / wave.sitesTotal : 0;
        return (
          <Box component="li" key={rollout.id} sx={{ mb: 1.5 }}>
            <Link to={`/rollouts/${encodeURIComponent(rollout.id)}/show`}>
              {rollout.name} → {rollout.spec.release}
            </Link>
            <Typography variant="body2">
              {translate(`app.rollout_phase.${rollout.phase}`)}
              {rollout.status?.currentWave
                ? ` · ${translate('app.dashboard.wave', { wave: rollout.status.currentWave })}`
                : ''}
            </Typography>
            <LinearProgress
              variant="determinate"
              value={percent}
              aria-label={`${rollout.name} ${Math.round(percent)}%`}
            />
          </Box>
        );
      })}
    </Box>
  );
}
