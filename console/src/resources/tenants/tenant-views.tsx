/** Tenants: the list, and one tenant with its sites count and (operators) its partner API keys. */
import {
  Datagrid,
  List,
  NumberField,
  Show,
  SimpleShowLayout,
  TextField,
  usePermissions,
  useRecordContext,
} from 'react-admin';
import { can } from '../../auth/permissions.ts';
import { EnumField } from '../shared/enum-field.tsx';
import { ListEmpty } from '../shared/list-states.tsx';
import { ApiKeysPanel } from './api-keys-panel.tsx';

export function TenantList() {
  return (
    <List perPage={25} sort={{ field: 'id', order: 'ASC' }} empty={false}>
      <Datagrid rowClick="show" bulkActionButtons={false} empty={<ListEmpty />}>
        <TextField source="name" sortable={false} />
        <TextField source="spec.displayName" sortable={false} />
        <EnumField
          source="spec.kind"
          group="tenant_kind"
          label="resources.tenants.fields.spec.kind"
          sortable={false}
        />
        <TextField source="spec.contactEmail" sortable={false} />
        <NumberField source="status.sites" sortable={false} emptyText="0" />
      </Datagrid>
    </List>
  );
}

function Keys() {
  const record = useRecordContext<{ name: string }>();
  const { permissions } = usePermissions();
  return record && can(permissions, 'managePartnerKeys') ? <ApiKeysPanel tenant={record.name} /> : null;
}

export function TenantShow() {
  return (
    <Show>
      <SimpleShowLayout>
        <TextField source="name" />
        <TextField source="spec.displayName" />
        <EnumField source="spec.kind" group="tenant_kind" label="resources.tenants.fields.spec.kind" />
        <TextField source="spec.contactEmail" />
        <NumberField source="status.sites" emptyText="0" />
        <Keys />
      </SimpleShowLayout>
    </Show>
  );
}
