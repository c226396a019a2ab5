/**
 * Fields that show an API enum value in the reader's language (`READY` -> 정상 / Ready), and the
 * choices for filters and forms built from the same message keys, so a label is written once.
 */
import { Chip } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';
import { HEALTH_COLOURS, healthOf } from '../../map/site-points.ts';

const at = (record: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], record);

export function EnumField({
  source,
  group,
}: {
  source: string;
  group: string;
  label?: string;
  sortable?: boolean;
  sortBy?: string;
}) {
  const translate = useTranslate();
  const record = useRecordContext();
  const value = at(record, source);
  if (value === null || value === undefined) {
    return <span>—</span>;
  }
  return <span>{translate(`app.${group}.${String(value)}`, { _: String(value) })}</span>;
}

export function EnumListField({ source, group }: { source: string; group: string; label?: string }) {
  const translate = useTranslate();
  const record = useRecordContext();
  const values = (at(record, source) as unknown[] | undefined) ?? [];
  return (
    <span>
      {values.map((v) => translate(`app.${group}.${String(v)}`, { _: String(v) })).join(', ') || '—'}
    </span>
  );
}

/** A site's phase as a coloured chip (colour and text both: never colour alone). */
export function PhaseField(_props: { label?: string; sortable?: boolean; source?: string; sortBy?: string }) {
  const translate = useTranslate();
  const record = useRecordContext<{ phase?: string }>();
  const phase = record?.phase ?? 'PENDING';
  return (
    <Chip
      size="small"
      label={translate(`app.phase.${phase}`, { _: phase })}
      data-testid="site-phase"
      data-phase={phase}
      sx={{ bgcolor: HEALTH_COLOURS[healthOf(phase)], color: '#fff', fontWeight: 600 }}
    />
  );
}

export function useChoices(group: string, values: readonly string[]) {
  const translate = useTranslate();
  return values.map((id) => ({ id, name: translate(`app.${group}.${id}`, { _: id }) }));
}
