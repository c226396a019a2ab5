/**
 * One rollout: its phase, waves with progress bars and bake timers, selector and health gate,
 * and the operator's pause/resume/abort. Its progress arrives live over the API's
 * rolloutProgress subscription while the page is open.
 */
import { Card, CardContent, Grid, Stack, Typography } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import {
  BooleanField,
  Labeled,
  NumberField,
  Show,
  TextField,
  TopToolbar,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { useAppServices } from '../../app-services.ts';
import { authHeaders, requestBody } from '../../graphql/client.ts';
import { subscribe } from '../../live/sse-subscription.ts';
import { EnumListField } from '../shared/enum-field.tsx';
import { RolloutActions } from './rollout-actions.tsx';
import { WaveProgress } from './wave-progress.tsx';

function useRolloutProgress(record: { id: string; namespace: string; name: string } | undefined) {
  const { sessions, apiUrl } = useAppServices();
  const queryClient = useQueryClient();
  const id = record?.id;
  const namespace = record?.namespace;
  const name = record?.name;
  useEffect(() => {
    if (!id || !namespace || !name) {
      return;
    }
    const feed = subscribe({
      url: apiUrl,
      headers: () => {
        const s = sessions.read();
        return s ? authHeaders(s) : undefined;
      },
      body: async () => {
        const s = sessions.read();
        return s ? requestBody(s, 'RolloutProgress', { namespace, name }) : '{}';
      },
      onEvent: (payload) => {
        const rollout = payload.data?.rolloutProgress as Record<string, unknown> | undefined;
        if (rollout) {
          queryClient.setQueryData(['rollouts', 'getOne', { id: String(id), meta: undefined }], rollout);
          void queryClient.invalidateQueries({ queryKey: ['rollouts'] });
        }
      },
      onState: () => {},
    });
    return () => feed.stop();
  }, [id, namespace, name, apiUrl, sessions, queryClient]);
}

function RolloutDetail() {
  const translate = useTranslate();
  const record = useRecordContext<{ id: string; namespace: string; name: string; phase: string }>();
  useRolloutProgress(record);
  if (!record) {
    return null;
  }
  return (
    <Grid container spacing={2} sx={{ p: 2 }}>
      <Grid size={12}>
        <Typography variant="h4" component="h1">
          {record.name}
        </Typography>
        <Typography data-testid="rollout-phase" data-phase={record.phase}>
          {translate(`app.rollout_phase.${record.phase}`)}
        </Typography>
      </Grid>
      <Grid size={{ xs: 12, md: 6 }}>
        <Card component="section" variant="outlined" aria-label={translate('app.rollout.waves')}>
          <CardContent>
            <Typography variant="h6" component="h2">
              {translate('app.rollout.waves')}
            </Typography>
            <WaveProgress />
          </CardContent>
        </Card>
      </Grid>
      <Grid size={{ xs: 12, md: 6 }}>
        <Card component="section" variant="outlined" aria-label={translate('app.rollout.selector')}>
          <CardContent>
            <Typography variant="h6" component="h2">
              {translate('app.rollout.selector')}
            </Typography>
            <Stack direction="row" sx={{ flexWrap: 'wrap', columnGap: 3 }}>
              <Labeled>
                <TextField source="spec.release" />
              </Labeled>
              <Labeled>
                <EnumListField
                  source="spec.selector.regions"
                  group="region"
                  label="resources.rollouts.fields.spec.selector.regions"
                />
              </Labeled>
              <Labeled>
                <EnumListField
                  source="spec.selector.kinds"
                  group="kind"
                  label="resources.rollouts.fields.spec.selector.kinds"
                />
              </Labeled>
              <Labeled>
                <NumberField source="spec.canarySites" />
              </Labeled>
              <Labeled>
                <BooleanField source="spec.respectMaintenanceWindows" />
              </Labeled>
            </Stack>
            <Typography variant="h6" component="h2" sx={{ mt: 2 }}>
              {translate('app.rollout.health_gate')}
            </Typography>
            <Stack direction="row" sx={{ flexWrap: 'wrap', columnGap: 3 }}>
              <Labeled>
                <NumberField source="spec.healthGate.bakeSeconds" />
              </Labeled>
              <Labeled>
                <NumberField source="spec.healthGate.maxEgressSaturation" />
              </Labeled>
              <Labeled>
                <NumberField source="spec.healthGate.maxErrorRatePerMinute" />
              </Labeled>
              <Labeled>
                <TextField source="status.currentWave" emptyText="—" />
              </Labeled>
            </Stack>
          </CardContent>
        </Card>
      </Grid>
    </Grid>
  );
}

export function RolloutShow() {
  return (
    <Show
      actions={
        <TopToolbar>
          <RolloutActions />
        </TopToolbar>
      }
    >
      <RolloutDetail />
    </Show>
  );
}
