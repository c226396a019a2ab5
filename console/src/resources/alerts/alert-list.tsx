/**
 * Current alerts, newest first, filtered by severity, acknowledgement and source; operators and
 * NOC acknowledge one (who and when is kept on its source object; it stays until its cause
 * clears). New alerts arrive live.
 */
import { useState } from 'react';
import {
  BooleanField,
  Button,
  Datagrid,
  FunctionField,
  List,
  NullableBooleanInput,
  SelectInput,
  TextField,
  useDataProvider,
  useLocaleState,
  useNotify,
  usePermissions,
  useRecordContext,
  useRefresh,
  useTranslate,
} from 'react-admin';
import { can } from '../../auth/permissions.ts';
import type { FleetDataProvider } from '../../data/data-provider.ts';
import { formatSeoulTime } from '../../i18n/i18n-provider.ts';
import { EnumField, useChoices } from '../shared/enum-field.tsx';
import { ListEmpty } from '../shared/list-states.tsx';
import { SeoulTimeField } from '../shared/seoul-time-field.tsx';

function AcknowledgeButton(_props: { label?: string }) {
  const record = useRecordContext<{
    alertId: string;
    acknowledged: boolean;
    acknowledgedBy?: string;
    acknowledgedAt?: string;
  }>();
  const { permissions } = usePermissions();
  const dataProvider = useDataProvider() as unknown as FleetDataProvider;
  const notify = useNotify();
  const refresh = useRefresh();
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const [busy, setBusy] = useState(false);
  if (!record) {
    return null;
  }
  if (record.acknowledged) {
    return (
      <span>
        {translate('app.alert.acknowledged_by', {
          who: record.acknowledgedBy ?? '?',
          when: formatSeoulTime(record.acknowledgedAt, locale),
        })}
      </span>
    );
  }
  if (!can(permissions, 'acknowledgeAlert')) {
    return null;
  }
  return (
    <Button
      label="app.alert.acknowledge"
      disabled={busy}
      onClick={async (event) => {
        event.stopPropagation();
        setBusy(true);
        try {
          await dataProvider.acknowledgeAlert(record.alertId);
        } catch (error) {
          notify((error as Error).message, { type: 'error' });
        }
        setBusy(false);
        refresh();
      }}
    />
  );
}

export function AlertList() {
  const severities = useChoices('severity', ['CRITICAL', 'WARNING']);
  const sources = useChoices('source_kind', ['Site', 'Rollout', 'WideAreaCluster']);
  return (
    <List
      perPage={50}
      sort={{ field: 'id', order: 'ASC' }}
      empty={false}
      filters={[
        <SelectInput key="severity" source="severity" choices={severities} alwaysOn />,
        <NullableBooleanInput key="acknowledged" source="acknowledged" alwaysOn />,
        <SelectInput key="sourceKind" source="sourceKind" choices={sources} />,
      ]}
    >
      <Datagrid bulkActionButtons={false} empty={<ListEmpty />} rowClick={false}>
        <EnumField
          source="severity"
          group="severity"
          label="resources.alerts.fields.severity"
          sortable={false}
        />
        <TextField source="type" sortable={false} />
        <TextField source="message" sortable={false} />
        <FunctionField
          source="sourceName"
          sortable={false}
          render={(r: { sourceKind: string; sourceName: string }) => `${r.sourceKind}/${r.sourceName}`}
        />
        <SeoulTimeField source="since" sortable={false} />
        <BooleanField source="acknowledged" sortable={false} />
        <AcknowledgeButton label="app.alert.acknowledge" />
      </Datagrid>
    </List>
  );
}
