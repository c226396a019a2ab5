/** Site releases: the list, one release's services, and a new release (operators). */
import {
  ArrayInput,
  Create,
  Datagrid,
  List,
  NumberField,
  required,
  SelectInput,
  Show,
  SimpleForm,
  SimpleFormIterator,
  SimpleShowLayout,
  TextField,
  TextInput,
  useRecordContext,
} from 'react-admin';
import { EnumField, useChoices } from '../shared/enum-field.tsx';
import { ListEmpty } from '../shared/list-states.tsx';
import { SeoulTimeField } from '../shared/seoul-time-field.tsx';

export function ReleaseList() {
  return (
    <List perPage={25} sort={{ field: 'id', order: 'ASC' }} empty={false}>
      <Datagrid rowClick="show" bulkActionButtons={false} empty={<ListEmpty />}>
        <TextField source="name" sortable={false} />
        <TextField source="spec.version" sortable={false} />
        <EnumField
          source="spec.channel"
          group="channel"
          label="resources.releases.fields.spec.channel"
          sortable={false}
        />
        <NumberField source="status.sitesRunning" sortable={false} emptyText="0" />
        <SeoulTimeField source="createdAt" sortable={false} />
      </Datagrid>
    </List>
  );
}

function Services(_props: { label?: string }) {
  const record = useRecordContext<{ spec: { services: { name: string; image: string }[] } }>();
  return (
    <ul>
      {(record?.spec.services ?? []).map((s) => (
        <li key={s.name}>
          <code>{s.name}</code>: {s.image}
        </li>
      ))}
    </ul>
  );
}

export function ReleaseShow() {
  return (
    <Show>
      <SimpleShowLayout>
        <TextField source="name" />
        <TextField source="spec.version" />
        <EnumField source="spec.channel" group="channel" label="resources.releases.fields.spec.channel" />
        <TextField source="spec.notes" emptyText="—" />
        <NumberField source="status.sitesRunning" emptyText="0" />
        <Services label="resources.releases.fields.services" />
      </SimpleShowLayout>
    </Show>
  );
}

const SERVICES = ['STREAMING_EDGE', 'CACHE', 'LICENSE_PROXY', 'SITE_AGENT', 'ACCELERATOR_PLUGIN'];

export function ReleaseCreate() {
  const channels = useChoices('channel', ['STABLE', 'BETA', 'CANARY']);
  return (
    <Create redirect="show">
      <SimpleForm defaultValues={{ namespace: 'smart-fleet', spec: { channel: 'STABLE', services: [] } }}>
        <TextInput source="name" validate={required()} />
        <TextInput source="namespace" validate={required()} />
        <TextInput source="spec.version" validate={required()} />
        <SelectInput source="spec.channel" choices={channels} />
        <TextInput source="spec.notes" multiline />
        <ArrayInput source="spec.services">
          <SimpleFormIterator inline>
            <SelectInput
              source="name"
              choices={SERVICES.map((id) => ({ id, name: id }))}
              validate={required()}
            />
            <TextInput source="image" validate={required()} />
          </SimpleFormIterator>
        </ArrayInput>
      </SimpleForm>
    </Create>
  );
}
