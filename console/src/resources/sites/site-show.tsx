/**
 * One site: phase and overview, release deployed and targeted, conditions with reasons, open
 * alerts, phase changes heard live, telemetry charts, placed content with fill progress, and the
 * site on the map. Everything updates live: a phase change refetches the page's record.
 */
import { Card, CardContent, Grid, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import {
  Labeled,
  NumberField,
  Show,
  TextField,
  TopToolbar,
  usePermissions,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { can } from '../../auth/permissions.ts';
import { PHASE_ORDER } from '../../dashboard/phase-tiles.tsx';
import { LazyFleetMap } from '../../map/lazy-fleet-map.tsx';
import type { MapSite } from '../../map/site-points.ts';
import { EnumField, PhaseField } from '../shared/enum-field.tsx';
import { SeoulTimeField } from '../shared/seoul-time-field.tsx';
import { DrainSiteButton } from './drain-site-button.tsx';
import {
  ConditionsTable,
  LivePhaseChanges,
  PlacedContent,
  type Placement,
  SiteAlerts,
} from './site-sections.tsx';
import { SiteTelemetry } from './site-telemetry.tsx';

interface SiteRecord extends MapSite {
  namespace: string;
  spec: MapSite['spec'] & {
    location: MapSite['spec']['location'] & { address: string };
    hardware: {
      profile?: string;
      cpus: number;
      modules: number;
      accelerators: number;
      storageGB: number;
      configuration: string;
    };
    maintenanceWindow: { days: string[]; start: string; durationMinutes: number; timeZone: string };
    lifecycle: string;
  };
  status?: {
    conditions?: never;
    deployedRelease?: string;
  } | null;
  /** Staff only: what the site's rollout assigned it (the ReleaseAssignment). */
  assignment?: { release: string; rollout: string; previousRelease?: string | null } | null;
  alerts?: { id: string; severity: string; message: string; since: string; type: string }[];
  placement?: Placement | null;
}

function Section({ title, children, size = 6 }: { title: string; children: ReactNode; size?: number }) {
  return (
    <Grid size={{ xs: 12, md: size }}>
      <Card component="section" aria-label={title} variant="outlined" sx={{ height: '100%' }}>
        <CardContent>
          <Typography variant="h6" component="h2" gutterBottom>
            {title}
          </Typography>
          {children}
        </CardContent>
      </Card>
    </Grid>
  );
}

/** Hardware and maintenance window; absent while the page still shows the list's row. */
function HardwareAndWindow({
  hardware: hw,
  window: mw,
}: {
  hardware?: SiteRecord['spec']['hardware'];
  window?: SiteRecord['spec']['maintenanceWindow'];
}) {
  const translate = useTranslate();
  if (!hw || !mw) {
    return null;
  }
  return (
    <>
      <Typography variant="body2" sx={{ mt: 2 }}>
        {translate('app.site.hardware')}: {hw.profile ?? hw.configuration} · {hw.cpus} CPU · {hw.modules}{' '}
        modules · {hw.accelerators} accelerators · {translate('app.units.gb', { value: hw.storageGB })}
      </Typography>
      <Typography variant="body2">
        {translate('app.site.maintenance')}: {mw.days.join(', ')} {mw.start} (
        {translate('app.units.minutes', { value: mw.durationMinutes })}, {mw.timeZone})
      </Typography>
    </>
  );
}

function SiteDetail() {
  const translate = useTranslate();
  const record = useRecordContext<SiteRecord>();
  const { permissions } = usePermissions();
  const staff = can(permissions, 'readStaffViews');
  if (!record) {
    return null;
  }
  return (
    <Grid container spacing={2} sx={{ p: 2 }}>
      <Grid size={12}>
        <Typography variant="h4" component="h1" sx={{ display: 'flex', gap: 2, alignItems: 'center' }}>
          {record.name} <PhaseField />
        </Typography>
        <Typography>{record.spec.location.address}</Typography>
      </Grid>
      <Section title={translate('app.site.overview')}>
        <Grid container spacing={2}>
          <Labeled>
            <EnumField source="spec.kind" group="kind" label="resources.sites.fields.spec.kind" />
          </Labeled>
          <Labeled>
            <EnumField
              source="spec.location.region"
              group="region"
              label="resources.sites.fields.spec.location.region"
            />
          </Labeled>
          <Labeled>
            <TextField source="spec.tenant" />
          </Labeled>
          <Labeled>
            <NumberField source="spec.subscriberCap" />
          </Labeled>
          <Labeled>
            <NumberField source="spec.streaming.egressBudgetMbps" />
          </Labeled>
          <Labeled>
            <EnumField
              source="spec.releaseChannel"
              group="channel"
              label="resources.sites.fields.spec.releaseChannel"
            />
          </Labeled>
          {staff && (
            <Labeled>
              <TextField source="spec.parentCluster" />
            </Labeled>
          )}
          <Labeled>
            <SeoulTimeField
              source="status.lastHeartbeat"
              label="resources.sites.fields.status.lastHeartbeat"
            />
          </Labeled>
        </Grid>
        <HardwareAndWindow hardware={record.spec.hardware} window={record.spec.maintenanceWindow} />
      </Section>
      <Section title={translate('app.site.release')}>
        <Typography data-testid="deployed-release">
          {translate('app.site.deployed')}: {record.status?.deployedRelease ?? '—'}
        </Typography>
        {staff && (
          <>
            <Typography>
              {translate('app.site.target')}: {record.assignment?.release ?? '—'}
            </Typography>
            <Typography>
              {translate('app.site.previous')}: {record.assignment?.previousRelease ?? '—'}
            </Typography>
          </>
        )}
      </Section>
      {staff && (
        <Section title={translate('app.site.conditions')} size={12}>
          <ConditionsTable conditions={record.status?.conditions} />
        </Section>
      )}
      {staff && (
        <Section title={translate('resources.alerts.name', { smart_count: 2 })}>
          <SiteAlerts alerts={record.alerts ?? []} />
        </Section>
      )}
      <Section title={translate('app.site.events')}>
        <LivePhaseChanges siteId={record.id} />
      </Section>
      <Section title={translate('app.site.telemetry')} size={12}>
        <SiteTelemetry id={record.id} />
      </Section>
      {staff && (
        <Section title={translate('app.site.content')}>
          <PlacedContent placement={record.placement} />
        </Section>
      )}
      <Section title={translate('app.site.on_map')}>
        <LazyFleetMap
          sites={[record]}
          version={PHASE_ORDER.indexOf(record.phase) + 1}
          clustered={false}
          focus={{
            longitude: record.spec.location.longitude,
            latitude: record.spec.location.latitude,
            zoom: 10,
          }}
          height={280}
        />
      </Section>
    </Grid>
  );
}

export function SiteShow() {
  return (
    <Show
      actions={
        <TopToolbar>
          <DrainSiteButton />
        </TopToolbar>
      }
    >
      <SiteDetail />
    </Show>
  );
}
