/**
 * The map's figures as a table, per region in both languages' names: sites, offline, degraded and
 * saturation. It is the map for a screen reader and the keyboard, and a quick sort for everyone.
 */
import { Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material';
import { useLocaleState, useTranslate } from 'react-admin';
import { graphqlEnumName } from '../data/enum-names.ts';
import { formatNumber } from '../i18n/i18n-provider.ts';
import type { FleetSummary } from './use-fleet-data.ts';

export function RegionTable({ summary }: { summary: FleetSummary }) {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const count = (region: FleetSummary['byRegion'][number], phase: string) =>
    region.byPhase.find((p) => p.phase === phase)?.count ?? 0;
  const rows = [...summary.byRegion].sort((a, b) => b.utilization - a.utilization);
  return (
    <Table size="small" aria-label={translate('app.map.region_table')}>
      <TableHead>
        <TableRow>
          <TableCell component="th" scope="col">
            {translate('resources.sites.fields.regions')}
          </TableCell>
          <TableCell component="th" scope="col" align="right">
            {translate('app.dashboard.sites')}
          </TableCell>
          <TableCell component="th" scope="col" align="right">
            {translate('app.phase.OFFLINE')}
          </TableCell>
          <TableCell component="th" scope="col" align="right">
            {translate('app.phase.DEGRADED')}
          </TableCell>
          <TableCell component="th" scope="col" align="right">
            {translate('app.dashboard.utilization')}
          </TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((r) => (
          <TableRow key={r.region}>
            <TableCell component="th" scope="row">
              {translate(`app.region.${graphqlEnumName(r.region)}`)}
            </TableCell>
            <TableCell align="right">{formatNumber(r.sites, locale)}</TableCell>
            <TableCell align="right">{formatNumber(count(r, 'Offline'), locale)}</TableCell>
            <TableCell align="right">{formatNumber(count(r, 'Degraded'), locale)}</TableCell>
            <TableCell align="right">{formatNumber(r.utilization * 100, locale, 1)}%</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
