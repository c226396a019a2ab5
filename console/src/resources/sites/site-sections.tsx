/**
 * The parts of a site's page beyond its overview: conditions with their reasons, its open
 * alerts, the phase changes heard live since the page opened, and the content placed on it with
 * fill progress. Staff-only parts are absent for a partner (the API would refuse them too).
 */
import {
  Box,
  LinearProgress,
  List,
  ListItem,
  ListItemText,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useLocaleState, useTranslate } from 'react-admin';
import { formatSeoulTime } from '../../i18n/i18n-provider.ts';
import { useRecentPhaseChanges } from '../../live/live-context.tsx';

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export function ConditionsTable({ conditions }: { conditions: readonly Condition[] | null | undefined }) {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  if (!conditions || conditions.length === 0) {
    return <Typography sx={{ color: 'text.secondary' }}>{translate('app.site.conditions_none')}</Typography>;
  }
  return (
    <Table size="small" aria-label={translate('app.site.conditions')}>
      <TableHead>
        <TableRow>
          {['Type', 'Status', 'Reason', 'Message', 'Since'].map((h) => (
            <TableCell key={h} component="th" scope="col">
              {h}
            </TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {conditions.map((c) => (
          <TableRow key={c.type} data-testid={`condition-${c.type}`}>
            <TableCell component="th" scope="row">
              {c.type}
            </TableCell>
            <TableCell>{c.status}</TableCell>
            <TableCell>{c.reason}</TableCell>
            <TableCell>{c.message}</TableCell>
            <TableCell>{formatSeoulTime(c.lastTransitionTime, locale)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function SiteAlerts({
  alerts,
}: {
  alerts: readonly { id: string; severity: string; message: string; since: string; type: string }[];
}) {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  if (alerts.length === 0) {
    return <Typography sx={{ color: 'text.secondary' }}>{translate('app.site.alerts_none')}</Typography>;
  }
  return (
    <List dense>
      {alerts.map((a) => (
        <ListItem key={a.id}>
          <ListItemText
            primary={`${translate(`app.severity.${a.severity}`)} · ${a.type}: ${a.message}`}
            secondary={formatSeoulTime(a.since, locale)}
          />
        </ListItem>
      ))}
    </List>
  );
}

export function LivePhaseChanges({ siteId }: { siteId: string }) {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const recent = useRecentPhaseChanges();
  const mine = recent.filter((e) => e.site.id === siteId);
  if (mine.length === 0) {
    return <Typography sx={{ color: 'text.secondary' }}>{translate('app.site.events_none')}</Typography>;
  }
  return (
    <List dense aria-live="polite" data-testid="live-phase-changes">
      {mine.map((e) => (
        <ListItem key={`${e.at}-${e.to}`}>
          <ListItemText
            primary={`${translate(`app.phase.${e.from}`)} → ${translate(`app.phase.${e.to}`)}`}
            secondary={formatSeoulTime(e.at, locale)}
          />
        </ListItem>
      ))}
    </List>
  );
}

export interface Placement {
  spec: {
    fillWindow: { start: string; durationMinutes: number };
    titles: { title: string; sizeMB: number; renditions: string[] }[];
  };
  status?: {
    state?: string | null;
    plannedMB?: number | null;
    filledMB?: number | null;
    lastReport?: string | null;
  } | null;
}

export function PlacedContent({ placement }: { placement: Placement | null | undefined }) {
  const translate = useTranslate();
  if (!placement || placement.spec.titles.length === 0) {
    return <Typography sx={{ color: 'text.secondary' }}>{translate('app.site.content_none')}</Typography>;
  }
  const planned = placement.status?.plannedMB ?? placement.spec.titles.reduce((sum, t) => sum + t.sizeMB, 0);
  const filled = placement.status?.filledMB ?? 0;
  const percent = planned > 0 ? Math.min(100, (100 * filled) / planned) : 0;
  return (
    <Box>
      <Typography variant="body2">
        {translate(`app.placement_state.${placement.status?.state ?? 'PENDING'}`)} ·{' '}
        {translate('app.site.fill', { filled: filled.toLocaleString(), planned: planned.toLocaleString() })} ·{' '}
        {translate('app.site.fill_window', {
          start: placement.spec.fillWindow.start,
          minutes: placement.spec.fillWindow.durationMinutes,
        })}
      </Typography>
      <LinearProgress
        variant="determinate"
        value={percent}
        aria-label={`${Math.round(percent)}%`}
        sx={{ height: 10, borderRadius: 5, my: 1 }}
        data-testid="fill-progress"
      />
      <Table size="small" aria-label={translate('app.site.content')}>
        <TableBody>
          {placement.spec.titles.slice(0, 200).map((t) => (
            <TableRow key={t.title}>
              <TableCell component="th" scope="row">
                {t.title}
              </TableCell>
              <TableCell>{t.renditions.join(', ')}</TableCell>
              <TableCell align="right">
                {translate('app.units.mb', { value: t.sizeMB.toLocaleString() })}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}
