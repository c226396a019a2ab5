/** Total active streams and egress against the fleet's capacity (the Table 1 budgets summed). */
import { Box, LinearProgress, Typography } from '@mui/material';
import { useLocaleState, useTranslate } from 'react-admin';
import { formatNumber } from '../i18n/i18n-provider.ts';
import type { FleetSummary } from './use-fleet-data.ts';

const gbps = (mbps: number, locale: string) => formatNumber(mbps / 1000, locale, 1);

export function CapacityCard({ summary }: { summary: FleetSummary }) {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const percent = Math.min(100, summary.utilization * 100);
  return (
    <Box>
      <Typography variant="body2">{translate('app.dashboard.streams')}</Typography>
      <Typography
        variant="h4"
        component="p"
        data-testid="active-streams"
        data-value={summary.activeStreams}
        sx={{ fontWeight: 700 }}
      >
        {formatNumber(summary.activeStreams, locale)}
      </Typography>
      <Typography variant="body2" sx={{ mt: 1 }}>
        {translate('app.dashboard.egress')}
      </Typography>
      <Typography variant="h6" component="p" data-testid="egress" data-value={summary.egressMbps}>
        {translate('app.dashboard.egress_of', {
          egress: translate('app.units.gbps', { value: gbps(summary.egressMbps, locale) }),
          capacity: translate('app.units.gbps', { value: gbps(summary.egressCapacityMbps, locale) }),
        })}
      </Typography>
      <LinearProgress
        variant="determinate"
        value={percent}
        aria-label={`${translate('app.dashboard.utilization')} ${formatNumber(percent, locale, 1)}%`}
        sx={{ height: 10, borderRadius: 5, my: 1 }}
      />
      <Typography variant="body2">
        {translate('app.dashboard.utilization')}: {formatNumber(percent, locale, 1)}% ·{' '}
        {translate('app.dashboard.saturated')}:{' '}
        <span data-testid="saturated-sites">{formatNumber(summary.saturatedSites, locale)}</span>
      </Typography>
    </Box>
  );
}
