/** A date-time field shown in Asia/Seoul, whatever the browser's zone. */
import { useLocaleState, useRecordContext } from 'react-admin';
import { formatSeoulTime } from '../../i18n/i18n-provider.ts';

export function SeoulTimeField({
  source,
}: {
  source: string;
  label?: string;
  sortable?: boolean;
  sortBy?: string;
}) {
  const record = useRecordContext();
  const [locale] = useLocaleState();
  const value = source
    .split('.')
    .reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], record);
  return <span>{formatSeoulTime(value as string | undefined, locale)}</span>;
}
