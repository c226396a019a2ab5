/**
 * Start a rollout: the release, which sites (regions, kinds, channels), canaries, the waves and
 * the health gate. The API checks it with the fleet's rollout rules; a refusal lands on the
 * fields it names (spec.waves[1].percent beside that wave's percent), the rest in a notice.
 */
import { REGIONS } from '@smart-fleet/model/regions';
import {
  ArrayInput,
  BooleanInput,
  Create,
  NumberInput,
  required,
  SelectArrayInput,
  SelectInput,
  SimpleForm,
  SimpleFormIterator,
  TextInput,
  useGetList,
  useTranslate,
} from 'react-admin';
import { graphqlEnumName } from '../../data/enum-names.ts';
import { useChoices } from '../shared/enum-field.tsx';

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const dnsName = (value: string) =>
  value && !NAME.test(value) ? 'lower-case letters, digits and -, at most 63' : undefined;

export function RolloutCreate() {
  const translate = useTranslate();
  const { data: releases } = useGetList('releases', { pagination: { page: 1, perPage: 200 } });
  const regions = REGIONS.map((r) => ({
    id: graphqlEnumName(r.code),
    name: translate(`app.region.${graphqlEnumName(r.code)}`),
  }));
  const kinds = useChoices('kind', ['APARTMENT_COMPLEX', 'SCHOOL', 'CAMPUS', 'HOTEL', 'OFFICE_BUILDING']);
  const channels = useChoices('channel', ['STABLE', 'BETA', 'CANARY']);
  const namespaces = [...new Set((releases ?? []).map((r) => String(r.namespace)))].map((id) => ({
    id,
    name: id,
  }));
  return (
    <Create redirect="show">
      <SimpleForm
        defaultValues={{
          namespace: namespaces[0]?.id ?? 'smart-fleet',
          spec: {
            canarySites: 1,
            respectMaintenanceWindows: false,
            waves: [{ name: 'wave-1', percent: 100, maxUnavailable: 5 }],
            healthGate: { bakeSeconds: 60 },
          },
        }}
      >
        <p>{translate('app.rollout.create_help')}</p>
        <TextInput source="name" validate={[required(), dnsName]} />
        <TextInput source="namespace" validate={required()} />
        <SelectInput
          source="spec.release"
          choices={(releases ?? []).map((r) => ({
            id: String(r.name),
            name: `${r.name} (${(r.spec as { version: string }).version})`,
          }))}
          validate={required()}
        />
        <SelectArrayInput source="spec.selector.regions" choices={regions} />
        <SelectArrayInput source="spec.selector.kinds" choices={kinds} />
        <SelectArrayInput source="spec.selector.channels" choices={channels} />
        <NumberInput source="spec.canarySites" min={0} max={1000} />
        <BooleanInput source="spec.respectMaintenanceWindows" />
        <ArrayInput source="spec.waves">
          <SimpleFormIterator inline>
            <TextInput
              source="name"
              label="resources.rollouts.fields.spec.waves.name"
              validate={required()}
            />
            <NumberInput
              source="percent"
              label="resources.rollouts.fields.spec.waves.percent"
              min={1}
              max={100}
              validate={required()}
            />
            <NumberInput
              source="maxUnavailable"
              label="resources.rollouts.fields.spec.waves.maxUnavailable"
              min={1}
              validate={required()}
            />
          </SimpleFormIterator>
        </ArrayInput>
        <NumberInput source="spec.healthGate.bakeSeconds" min={0} max={86400} />
        <NumberInput source="spec.healthGate.maxEgressSaturation" min={0} max={1} step={0.05} />
        <NumberInput source="spec.healthGate.maxErrorRatePerMinute" min={0} />
      </SimpleForm>
    </Create>
  );
}
