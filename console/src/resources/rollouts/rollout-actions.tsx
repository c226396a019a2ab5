/**
 * Pause, resume and abort, each after a confirmation saying what it does; shown only to
 * operators and only when the rollout's phase allows it (the API refuses otherwise too).
 */
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

type Action = 'pause' | 'resume' | 'abort';
const ALLOWED: Record<Action, readonly string[]> = {
  pause: ['PENDING', 'PROGRESSING'],
  resume: ['PAUSED'],
  abort: ['PENDING', 'PROGRESSING', 'PAUSED'],
};

export function RolloutActions() {
  const translate = useTranslate();
  const record = useRecordContext<{ namespace: string; name: string; phase: string }>();
  const { permissions } = usePermissions();
  const dataProvider = useDataProvider() as unknown as FleetDataProvider;
  const notify = useNotify();
  const refresh = useRefresh();
  const [asking, setAsking] = useState<Action | undefined>();
  const [busy, setBusy] = useState(false);
  if (!record || !can(permissions, 'manageRollouts')) {
    return null;
  }
  const run = async (action: Action) => {
    setBusy(true);
    try {
      const call = {
        pause: dataProvider.pauseRollout,
        resume: dataProvider.resumeRollout,
        abort: dataProvider.abortRollout,
      }[action];
      await call({ namespace: record.namespace, name: record.name });
      notify('app.rollout.done', {
        type: 'info',
        messageArgs: { name: record.name, action: translate(`app.rollout.${action}`) },
      });
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
    } finally {
      setBusy(false);
      setAsking(undefined);
      refresh();
    }
  };
  return (
    <>
      {(['pause', 'resume', 'abort'] as const)
        .filter((action) => ALLOWED[action].includes(record.phase))
        .map((action) => (
          <Button
            key={action}
            label={`app.rollout.${action}`}
            onClick={() => setAsking(action)}
            data-testid={`rollout-${action}`}
            disabled={busy}
          />
        ))}
      <Confirm
        isOpen={asking !== undefined}
        loading={busy}
        title={`app.rollout.${asking ?? 'pause'}_title`}
        titleTranslateOptions={{ name: record.name }}
        content={translate(`app.rollout.${asking ?? 'pause'}_content`)}
        confirm={`app.rollout.${asking ?? 'pause'}`}
        onConfirm={() => asking && run(asking)}
        onClose={() => setAsking(undefined)}
      />
    </>
  );
}
