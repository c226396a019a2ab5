/** Drain this one site, after confirming what that means; hidden for roles that may not drain. */
import { useState } from 'react';
import {
  Button,
  Confirm,
  useDataProvider,
  useNotify,
  usePermissions,
  useRecordContext,
  useRefresh,
  useTranslate,
} from 'react-admin';
import { can } from '../../auth/permissions.ts';
import type { FleetDataProvider } from '../../data/data-provider.ts';

export function DrainSiteButton() {
  const translate = useTranslate();
  const record = useRecordContext<{
    id: string;
    namespace: string;
    name: string;
    spec: { lifecycle: string };
  }>();
  const { permissions } = usePermissions();
  const dataProvider = useDataProvider() as unknown as FleetDataProvider;
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!record || !can(permissions, 'drainSite') || record.spec.lifecycle !== 'ACTIVE') {
    return null;
  }
  const drain = async () => {
    setBusy(true);
    const [result] = await dataProvider.drainSites([{ namespace: record.namespace, name: record.name }]);
    setBusy(false);
    setOpen(false);
    if (result?.status === 'fulfilled') {
      notify('app.site.drained', { type: 'info', messageArgs: { smart_count: 1 } });
    } else {
      notify((result?.reason as Error | undefined)?.message ?? 'ra.notification.http_error', {
        type: 'error',
      });
    }
    refresh();
  };
  return (
    <>
      <Button label="app.site.drain" onClick={() => setOpen(true)} data-testid="drain-site" />
      <Confirm
        isOpen={open}
        loading={busy}
        title="app.site.drain_title"
        titleTranslateOptions={{ smart_count: 1 }}
        content={translate('app.site.drain_content')}
        confirm="app.site.drain"
        onConfirm={drain}
        onClose={() => setOpen(false)}
      />
    </>
  );
}
