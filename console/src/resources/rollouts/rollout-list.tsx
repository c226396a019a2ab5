/** Rollouts, newest state first: release, phase and the wave each is in. */
import { Datagrid, List, TextField } from 'react-admin';
import { EnumField } from '../shared/enum-field.tsx';
import { ListEmpty } from '../shared/list-states.tsx';
import { SeoulTimeField } from '../shared/seoul-time-field.tsx';

export function RolloutList() {
  return (
    <List perPage={25} sort={{ field: 'id', order: 'ASC' }} empty={false}>
      <Datagrid rowClick="show" bulkActionButtons={false} empty={<ListEmpty />}>
        <TextField source="name" sortable={false} />
        <TextField source="spec.release" sortable={false} />
        <EnumField
          source="phase"
          group="rollout_phase"
          label="resources.rollouts.fields.phase"
          sortable={false}
        />
        <TextField source="status.currentWave" sortable={false} emptyText="—" />
        <SeoulTimeField source="createdAt" sortable={false} />
      </Datagrid>
    </List>
  );
}
