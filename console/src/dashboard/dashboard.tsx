/**
 * The NOC dashboard: fleet health at a glance. Sites by phase (offline and degraded first), open
 * alerts by severity, streams and egress against capacity, rollouts in progress, the map of
 * Korea with every site and the provinces by saturation, and the day's trends. Everything is
 * live: the feed refreshes the counts and recolours the map without a reload. A partner sees
 * its own sites' counts and map only.
 */
import { Alert, Box, Card, CardContent, Grid, Typography } from '@mui/material';
import { useMemo } from 'react';
import { Title, usePermissions, useTranslate } from 'react-admin';
import { can } from '../auth/permissions.ts';
import { graphqlEnumName } from '../data/enum-names.ts';
import { ActiveRollouts } from './active-rollouts.tsx';
import { AlertCounts } from './alert-counts.tsx';
import { CapacityCard } from './capacity-card.tsx';
import { MapPanel } from './map-panel.tsx';
import { PhaseTiles } from './phase-tiles.tsx';
import { RegionTable } from './region-table.tsx';
import { RegionTrends } from './region-trends.tsx';
import { useFleetSummary } from './use-fleet-data.ts';

function Panel({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <Card component="section" aria-label={title} data-testid={testId} sx={{ height: '100%' }}>
      <CardContent>
        <Typography variant="h6" component="h2" gutterBottom>
          {title}
        </Typography>
        {children}
      </CardContent>
    </Card>
  );
}

export function Dashboard() {
  const translate = useTranslate();
  const { permissions } = usePermissions();
  const staff = can(permissions, 'readStaffViews');
  const summary = useFleetSummary();
  // Kept while the summary is the same, so the map recolours the provinces only when it changes.
  const saturation = useMemo(
    () =>
      summary.data
        ? Object.fromEntries(summary.data.byRegion.map((r) => [graphqlEnumName(r.region), r.utilization]))
        : undefined,
    [summary.data],
  );

  return (
    <Box sx={{ p: { xs: 1, md: 2 } }}>
      <Title title={translate('app.dashboard.title')} />
      <Typography variant="h4" component="h1" sx={{ mb: 2 }}>
        {translate('app.dashboard.title')}
      </Typography>
      {summary.error && (
        <Alert severity="error" role="alert" sx={{ mb: 2 }}>
          {translate('app.states.error', { message: summary.error.message })}
        </Alert>
      )}
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, lg: staff ? 6 : 8 }}>
          <Panel title={translate('app.dashboard.by_phase')} testId="phase-panel">
            {summary.data ? (
              <>
                <Typography variant="body1" sx={{ mb: 1 }}>
                  {translate('app.dashboard.sites')}:{' '}
                  <strong data-testid="total-sites" data-count={summary.data.sites}>
                    {summary.data.sites.toLocaleString()}
                  </strong>
                </Typography>
                <PhaseTiles summary={summary.data} />
              </>
            ) : (
              <Typography>{translate('app.states.loading')}</Typography>
            )}
          </Panel>
        </Grid>
        <Grid size={{ xs: 12, md: 6, lg: staff ? 3 : 4 }}>
          <Panel title={translate('app.dashboard.streams')}>
            {summary.data ? (
              <CapacityCard summary={summary.data} />
            ) : (
              <Typography>{translate('app.states.loading')}</Typography>
            )}
          </Panel>
        </Grid>
        {staff && (
          <Grid size={{ xs: 12, md: 6, lg: 3 }}>
            <Panel title={translate('app.dashboard.alerts')}>
              <AlertCounts />
            </Panel>
          </Grid>
        )}
        <Grid size={{ xs: 12, lg: 8 }}>
          <Panel title={translate('app.map.title')} testId="map-panel">
            <MapPanel saturation={saturation} expected={summary.data?.sites} />
          </Panel>
        </Grid>
        <Grid size={{ xs: 12, lg: 4 }}>
          {staff && (
            <Box sx={{ mb: 2 }}>
              <Panel title={translate('app.dashboard.rollouts')}>
                <ActiveRollouts />
              </Panel>
            </Box>
          )}
          <Panel title={translate('app.map.region_table')}>
            {summary.data && <RegionTable summary={summary.data} />}
          </Panel>
        </Grid>
        {staff && (
          <Grid size={12}>
            <Panel title={translate('app.dashboard.trends')}>
              <RegionTrends />
            </Panel>
          </Grid>
        )}
      </Grid>
    </Box>
  );
}
