/**
 * Wide-area clusters: the regions each serves, its node groups by role, the InfiniBand fabric,
 * and the sites it feeds (the site list filtered to the cluster, paged by the API).
 */
import { Typography } from '@mui/material';
import {
  Datagrid,
  FunctionField,
  List,
  NumberField,
  Pagination,
  ReferenceManyField,
  Show,
  SimpleShowLayout,
  TextField,
  useTranslate,
} from 'react-admin';
import { EnumField, EnumListField, PhaseField } from '../shared/enum-field.tsx';
import { ListEmpty } from '../shared/list-states.tsx';

interface Cluster {
  spec: {
    nodeGroups: { role: string; count: number; nodeType?: string }[];
    fabric?: { portSpeedGbps: number; partitions: { name: string; pkey: string }[] };
  };
}

function NodeGroups(_props: { label?: string; source?: string }) {
  const translate = useTranslate();
  return (
    <FunctionField
      render={(r: Cluster) =>
        r.spec.nodeGroups
          .map(
            (g) =>
              `${translate(`app.node_role.${g.role}`)} ${g.count}${g.nodeType ? ` (${g.nodeType})` : ''}`,
          )
          .join(' · ')
      }
    />
  );
}

export function ClusterList() {
  return (
    <List perPage={25} sort={{ field: 'id', order: 'ASC' }} empty={false}>
      <Datagrid rowClick="show" bulkActionButtons={false} empty={<ListEmpty />}>
        <TextField source="name" sortable={false} />
        <EnumListField source="spec.regions" group="region" label="resources.clusters.fields.spec.regions" />
        <NodeGroups label="resources.clusters.fields.nodeGroups" />
        <NumberField source="spec.storageTB" sortable={false} />
        <EnumField
          source="status.phase"
          group="cluster_phase"
          label="resources.clusters.fields.status.phase"
          sortable={false}
        />
        <NumberField source="status.sites" sortable={false} emptyText="0" />
      </Datagrid>
    </List>
  );
}

export function ClusterShow() {
  return (
    <Show>
      <SimpleShowLayout>
        <TextField source="name" />
        <EnumListField source="spec.regions" group="region" label="resources.clusters.fields.spec.regions" />
        <NodeGroups label="resources.clusters.fields.nodeGroups" />
        <FunctionField
          label="resources.clusters.fields.fabric"
          render={(r: Cluster) =>
            r.spec.fabric ? (
              <Typography variant="body2">
                {r.spec.fabric.portSpeedGbps} Gbps ·{' '}
                {r.spec.fabric.partitions.map((p) => `${p.name} ${p.pkey}`).join(', ')}
              </Typography>
            ) : (
              '—'
            )
          }
        />
        <NumberField source="spec.storageTB" />
        <NumberField source="spec.usersPerRegion" />
        <EnumField
          source="status.phase"
          group="cluster_phase"
          label="resources.clusters.fields.status.phase"
        />
        <ReferenceManyField
          reference="sites"
          target="clusters"
          source="name"
          label="resources.clusters.fields.sites"
          perPage={25}
          pagination={<Pagination />}
        >
          <Datagrid rowClick="show" bulkActionButtons={false}>
            <TextField source="name" sortable={false} />
            <PhaseField label="resources.sites.fields.phase" />
            <EnumField
              source="spec.location.region"
              group="region"
              label="resources.sites.fields.spec.location.region"
              sortable={false}
            />
            <TextField source="spec.tenant" sortable={false} />
          </Datagrid>
        </ReferenceManyField>
      </SimpleShowLayout>
    </Show>
  );
}
