/**
 * Drain the selected sites, after a confirmation that says what draining does. Each site is
 * drained on its own (the API's drainSite); refusals are reported by site, not swallowed, and
 * the list updates live as the sites' phases change.
 */
import { useState } from 'react';
import {
  Button,
  Confirm,
  useDataProvider,
  useListContext,
  useNotify,
  useRefresh,
  useTranslate,
  useUnselectAll,
} from 'react-admin';
import type { FleetDataProvider } from '../../data/data-provider.ts';

export function BulkDrainButton() {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const { selectedIds, data, resource } = useListContext();
  const unselectAll = useUnselectAll(resource);
  const dataProvider = useDataProvider() as unknown as FleetDataProvider;
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);

  const drain = async () => {
    setBusy(true);
    try {
      const known = new Map((data ?? []).map((r) => [r.id, r]));
      const missing = selectedIds.filter((id) => !known.has(id));
      if (missing.length > 0) {
        for (const r of (await dataProvider.getMany('sites', { ids: missing })).data) {
          known.set(r.id, r);
        }
      }
      const records = selectedIds.flatMap((id) => {
        const r = known.get(id) as { namespace?: string; name?: string; id: string } | undefined;
        return r?.namespace && r.name ? [{ namespace: r.namespace, name: r.name }] : [];
      });
      const results = await dataProvider.drainSites(records);
      const failed = results.flatMap((r, i) =>
        r.status === 'rejected' ? [`${records[i]?.name}: ${(r.reason as Error).message}`] : [],
      );
      const done = results.length - failed.length;
      if (done > 0) {
        notify('app.site.drained', { type: 'info', messageArgs: { smart_count: done } });
      }
      if (failed.length > 0) {
        notify('app.site.drain_failed', {
          type: 'error',
          messageArgs: { count: failed.length, reasons: failed.slice(0, 3).join('; ') },
        });
      }
      unselectAll();
      refresh();
    } finally {
      setBusy(false);
      setOpen(false);
    }
  };

  return (
    <>
      <Button
        label="app.site.drain_selected"
        onClick={() => setOpen(true)}
        disabled={busy}
        data-testid="bulk-drain"
      />
      <Confirm
        isOpen={open}
        loading={busy}
        title="app.site.drain_title"
        titleTranslateOptions={{ smart_count: selectedIds.length }}
        content={translate('app.site.drain_content')}
        confirm="app.site.drain"
        onConfirm={drain}
        onClose={() => setOpen(false)}
      />
    </>
  );
}
