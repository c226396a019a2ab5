/**
 * The site list's filters: region, phase, kind, channel, tenant and deployed release (staff),
 * and text search. Choices are the API's enum values in the reader's language; tenants and
 * releases are read from the API when their filter is shown, bounded to the first 200 of each.
 */
import { REGIONS } from '@smart-fleet/model/regions';
import { SearchInput, SelectArrayInput, useGetList, usePermissions, useTranslate } from 'react-admin';
import { can } from '../../auth/permissions.ts';
import { PHASE_ORDER } from '../../dashboard/phase-tiles.tsx';
import { graphqlEnumName } from '../../data/enum-names.ts';
import { useChoices } from '../shared/enum-field.tsx';

const KINDS = ['APARTMENT_COMPLEX', 'SCHOOL', 'CAMPUS', 'HOTEL', 'OFFICE_BUILDING'];
const CHANNELS = ['STABLE', 'BETA', 'CANARY'];
const REGION_VALUES = REGIONS.map((r) => graphqlEnumName(r.code));

/**
 * A filter over tenants or deployed releases. Their names are read when the filter is shown,
 * not with every page of the list: opening the site list sent both reads beside the page
 * itself, and the API answered all three at once.
 */
function NamedChoicesInput({
  choicesFrom,
  ...input
}: {
  choicesFrom: 'tenants' | 'releases';
  source: string;
  sx?: Record<string, unknown>;
}) {
  const { data } = useGetList(choicesFrom, { pagination: { page: 1, perPage: 200 } });
  const choices = (data ?? []).map((r) => ({
    id: String(r.name),
    name: String((r.spec as { displayName?: string })?.displayName ?? r.name),
  }));
  return <SelectArrayInput {...input} choices={choices} />;
}

export function useSiteFilters() {
  const translate = useTranslate();
  const { permissions } = usePermissions();
  const staff = can(permissions, 'readStaffViews');
  const regions = REGION_VALUES.map((id) => ({ id, name: translate(`app.region.${id}`) }));
  const phases = useChoices('phase', PHASE_ORDER);
  const kinds = useChoices('kind', KINDS);
  const channels = useChoices('channel', CHANNELS);
  return [
    <SearchInput
      key="q"
      source="q"
      alwaysOn
      slotProps={{ htmlInput: { 'aria-label': translate('resources.sites.fields.q'), maxLength: 100 } }}
    />,
    <SelectArrayInput key="regions" source="regions" choices={regions} alwaysOn sx={{ minWidth: 180 }} />,
    <SelectArrayInput key="phases" source="phases" choices={phases} alwaysOn sx={{ minWidth: 160 }} />,
    <SelectArrayInput key="kinds" source="kinds" choices={kinds} sx={{ minWidth: 160 }} />,
    <SelectArrayInput key="channels" source="channels" choices={channels} sx={{ minWidth: 140 }} />,
    ...(staff
      ? [
          <NamedChoicesInput key="tenants" source="tenants" choicesFrom="tenants" sx={{ minWidth: 180 }} />,
          <NamedChoicesInput
            key="releases"
            source="releases"
            choicesFrom="releases"
            sx={{ minWidth: 160 }}
          />,
        ]
      : []),
  ];
}
