/**
 * The site list: server-side pages over the API's site connection (50 rows a page by default,
 * however large the fleet), the filters of site-filters.tsx, sorting on the columns the API
 * can sort by, and bulk drain for the roles that may drain.
 */
import { Datagrid, List, NumberField, TextField, usePermissions, useTranslate } from 'react-admin';
import { can } from '../../auth/permissions.ts';
import { EnumField, PhaseField } from '../shared/enum-field.tsx';
import { ListEmpty } from '../shared/list-states.tsx';
import { SeoulTimeField } from '../shared/seoul-time-field.tsx';
import { BulkDrainButton } from './bulk-drain-button.tsx';
import { useSiteFilters } from './site-filters.tsx';

function RegionField(_props: { label?: string; sortBy?: string; source?: string }) {
  return <EnumField source="spec.location.region" group="region" />;
}

export function SiteList() {
  const translate = useTranslate();
  const { permissions } = usePermissions();
  const filters = useSiteFilters();
  return (
    <List
      exporter={false}
      filters={filters}
      perPage={50}
      sort={{ field: 'name', order: 'ASC' }}
      empty={false}
      title={translate('resources.sites.name', { smart_count: 2 })}
      disableSyncWithLocation={false}
    >
      <Datagrid
        rowClick="show"
        bulkActionButtons={can(permissions, 'drainSite') ? <BulkDrainButton /> : false}
        empty={<ListEmpty message="app.states.empty_sites" />}
        data-testid="site-list"
      >
        <TextField source="name" />
        <PhaseField source="phase" label="resources.sites.fields.phase" sortBy="phase" />
        <RegionField
          source="spec.location.region"
          label="resources.sites.fields.spec.location.region"
          sortBy="spec.location.region"
        />
        <EnumField source="spec.kind" group="kind" sortable={false} />
        <TextField source="spec.tenant" sortable={false} />
        <TextField source="status.deployedRelease" sortable={false} emptyText="—" />
        <NumberField source="spec.subscriberCap" />
        <NumberField source="telemetry.activeStreams" sortBy="telemetry.activeStreams" emptyText="—" />
        <NumberField source="spec.streaming.egressBudgetMbps" />
        <SeoulTimeField source="status.lastHeartbeat" sortBy="status.lastHeartbeat" />
      </Datagrid>
    </List>
  );
}
