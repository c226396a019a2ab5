/**
 * Sites by phase, offline and degraded first (what a NOC acts on), each tile a link to the site
 * list filtered to that phase. Counts come straight from the API's fleet summary.
 */
import { Box, Card, CardActionArea, Typography } from '@mui/material';
import { Link, useCreatePath, useTranslate } from 'react-admin';
import { graphqlEnumName } from '../data/enum-names.ts';
import { HEALTH_COLOURS, healthOf } from '../map/site-points.ts';
import type { FleetSummary } from './use-fleet-data.ts';

/** The order a NOC reads them in. */
export const PHASE_ORDER = [
  'OFFLINE',
  'DEGRADED',
  'PROVISIONING',
  'PENDING',
  'DRAINING',
  'READY',
  'DECOMMISSIONED',
];

export function PhaseTiles({ summary }: { summary: FleetSummary }) {
  const translate = useTranslate();
  const createPath = useCreatePath();
  const counts = new Map(summary.byPhase.map((p) => [graphqlEnumName(p.phase), p.count]));
  return (
    <Box
      component="ul"
      aria-label={translate('app.dashboard.by_phase')}
      sx={{
        display: 'grid',
        gridTemplateColumns: 'repeat(auto-fill, minmax(130px, 1fr))',
        gap: 1,
        p: 0,
        m: 0,
        listStyle: 'none',
      }}
    >
      {PHASE_ORDER.map((phase) => {
        const count = counts.get(phase) ?? 0;
        const colour = HEALTH_COLOURS[healthOf(phase)];
        const to = `${createPath({ resource: 'sites', type: 'list' })}?filter=${encodeURIComponent(JSON.stringify({ phases: [phase] }))}`;
        return (
          <li key={phase}>
            <Card variant="outlined" sx={{ borderLeft: `6px solid ${colour}` }}>
              <CardActionArea
                component={Link}
                to={to}
                sx={{ p: 1.5 }}
                data-testid={`phase-count-${phase}`}
                data-count={count}
              >
                <Typography variant="h5" component="p" sx={{ fontWeight: 700 }}>
                  {count.toLocaleString()}
                </Typography>
                <Typography variant="body2">{translate(`app.phase.${phase}`)}</Typography>
              </CardActionArea>
            </Card>
          </li>
        );
      })}
    </Box>
  );
}
