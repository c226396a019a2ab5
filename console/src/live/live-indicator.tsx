/** The app bar's "live" badge: whether the console is hearing the fleet's changes as they happen. */
import { Chip, Tooltip } from '@mui/material';
import { useTranslate } from 'react-admin';
import { useLive } from './live-context.tsx';

const COLOURS = {
  live: 'success',
  connecting: 'default',
  reconnecting: 'warning',
  stopped: 'default',
} as const;

export function LiveIndicator() {
  const translate = useTranslate();
  const { state, detail } = useLive();
  const label = translate(`app.live.${state}`);
  return (
    <Tooltip title={detail ?? translate(`app.live.${state}_help`)}>
      <Chip
        data-testid="live-indicator"
        data-state={state}
        role="status"
        aria-live="polite"
        label={label}
        color={COLOURS[state]}
        size="small"
        sx={{
          mx: 1,
          fontWeight: 600,
          bgcolor: state === 'live' ? '#1b5e20' : undefined,
          color: state === 'live' ? '#fff' : undefined,
        }}
      />
    </Tooltip>
  );
}
