/** Open alerts by severity, each a link to the filtered alert list. */
import { Stack, Typography } from '@mui/material';
import { Link, useTranslate } from 'react-admin';
import { useAlertCounts } from './use-fleet-data.ts';

const COLOURS = { critical: '#b71c1c', warning: '#8a4b00', acknowledged: '#455a64' } as const;

export function AlertCounts() {
  const translate = useTranslate();
  const { data, error } = useAlertCounts(true);
  if (error) {
    return <Typography role="alert">{translate('app.states.error', { message: error.message })}</Typography>;
  }
  const links = [
    { key: 'critical', filter: { severity: 'CRITICAL', acknowledged: false } },
    { key: 'warning', filter: { severity: 'WARNING', acknowledged: false } },
    { key: 'acknowledged', filter: { acknowledged: true } },
  ] as const;
  return (
    <Stack direction="row" sx={{ gap: 3 }}>
      {links.map(({ key, filter }) => (
        <Link
          key={key}
          to={`/alerts?filter=${encodeURIComponent(JSON.stringify(filter))}`}
          underline="hover"
          data-testid={`alerts-${key}`}
          data-count={data?.[key] ?? ''}
        >
          <Typography
            variant="h4"
            component="span"
            sx={{ color: COLOURS[key], fontWeight: 700, display: 'block' }}
          >
            {data ? data[key] : '…'}
          </Typography>
          <Typography variant="body2" component="span" sx={{ color: 'text.primary' }}>
            {translate(`app.dashboard.${key}`)}
          </Typography>
        </Link>
      ))}
    </Stack>
  );
}
