/**
 * A tenant's partner API keys: who made each and with which scopes (never the secret), a new
 * key whose secret is shown exactly once in a dialog, and revocation after a confirmation. Only
 * operators see this panel; the API refuses anyone else.
 */
import {
  Box,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  FormGroup,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Confirm, useLocaleState, useNotify, useTranslate } from 'react-admin';
import { useAppServices } from '../../app-services.ts';
import { formatSeoulTime } from '../../i18n/i18n-provider.ts';

const SCOPES = ['SITES_READ', 'CONTENT_READ', 'TELEMETRY_READ', 'ENTITLEMENTS_ISSUE'] as const;

interface ApiKey {
  id: string;
  keyId: string;
  name: string;
  scopes: string[];
  createdAt: string;
  createdBy: string;
}

export function ApiKeysPanel({ tenant }: { tenant: string }) {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const notify = useNotify();
  const { dataProvider } = useAppServices();
  const queryClient = useQueryClient();
  const keys = useQuery({
    queryKey: ['apiKeys', tenant],
    queryFn: () => dataProvider.apiKeys(tenant) as Promise<ApiKey[]>,
  });
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['SITES_READ']);
  const [created, setCreated] = useState<string | undefined>();
  const [revoking, setRevoking] = useState<ApiKey | undefined>();
  const [error, setError] = useState<string | undefined>();

  const create = async () => {
    setError(undefined);
    try {
      const { data } = await dataProvider.create('apiKeys', { data: { tenant, name, scopes } });
      setCreated(String(data.key));
      setName('');
      await queryClient.invalidateQueries({ queryKey: ['apiKeys', tenant] });
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const revoke = async (key: ApiKey) => {
    try {
      await dataProvider.delete('apiKeys', { id: key.keyId });
      notify('app.api_key.revoked', { type: 'info' });
    } catch (e) {
      notify((e as Error).message, { type: 'error' });
    }
    setRevoking(undefined);
    await queryClient.invalidateQueries({ queryKey: ['apiKeys', tenant] });
  };

  return (
    <Box component="section" aria-label={translate('app.api_key.keys')} sx={{ mt: 2 }}>
      <Typography variant="h6" component="h2">
        {translate('app.api_key.keys')}
      </Typography>
      {keys.error && (
        <Typography role="alert">{translate('app.states.error', { message: keys.error.message })}</Typography>
      )}
      {keys.data?.length === 0 && (
        <Typography sx={{ color: 'text.secondary' }}>{translate('app.api_key.keys_none')}</Typography>
      )}
      {(keys.data?.length ?? 0) > 0 && (
        <Table size="small" aria-label={translate('app.api_key.keys')}>
          <TableHead>
            <TableRow>
              {['name', 'keyId', 'scopes', 'createdAt', 'createdBy'].map((f) => (
                <TableCell key={f} component="th" scope="col">
                  {translate(`resources.apiKeys.fields.${f}`)}
                </TableCell>
              ))}
              <TableCell component="th" scope="col">
                <span className="sr-only">{translate('app.api_key.revoke')}</span>
              </TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {keys.data?.map((k) => (
              <TableRow key={k.keyId} data-testid="api-key-row">
                <TableCell component="th" scope="row">
                  {k.name}
                </TableCell>
                <TableCell>
                  <code>{k.keyId}</code>
                </TableCell>
                <TableCell>{k.scopes.map((s) => translate(`app.scope.${s}`)).join(', ')}</TableCell>
                <TableCell>{formatSeoulTime(k.createdAt, locale)}</TableCell>
                <TableCell>{k.createdBy}</TableCell>
                <TableCell>
                  <Button label="app.api_key.revoke" onClick={() => setRevoking(k)} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <Box sx={{ mt: 2, display: 'flex', gap: 2, alignItems: 'center', flexWrap: 'wrap' }}>
        <TextField
          id="new-key-name"
          size="small"
          label={translate('resources.apiKeys.fields.name')}
          value={name}
          onChange={(e) => setName(e.target.value)}
          slotProps={{ htmlInput: { maxLength: 100 } }}
        />
        <FormGroup row aria-label={translate('resources.apiKeys.fields.scopes')}>
          {SCOPES.map((s) => (
            <FormControlLabel
              key={s}
              label={translate(`app.scope.${s}`)}
              control={
                <Checkbox
                  checked={scopes.includes(s)}
                  onChange={(e) =>
                    setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))
                  }
                />
              }
            />
          ))}
        </FormGroup>
        <Button
          label="app.api_key.create"
          variant="contained"
          disabled={name.trim() === '' || scopes.length === 0}
          onClick={create}
          data-testid="create-api-key"
        />
      </Box>
      {error && (
        <Typography role="alert" sx={{ color: 'error.main' }}>
          {error}
        </Typography>
      )}
      <Dialog
        open={created !== undefined}
        onClose={() => setCreated(undefined)}
        aria-labelledby="created-key-title"
      >
        <DialogTitle id="created-key-title">{translate('app.api_key.created_title')}</DialogTitle>
        <DialogContent>
          <Typography sx={{ mb: 1 }}>{translate('app.api_key.created_content')}</Typography>
          <TextField
            fullWidth
            label={translate('app.login.api_key')}
            value={created ?? ''}
            slotProps={{ htmlInput: { readOnly: true, 'data-testid': 'created-api-key' } }}
            onFocus={(e) => e.target.select()}
          />
        </DialogContent>
        <DialogActions>
          <Button
            label="app.api_key.copy"
            onClick={() => {
              void navigator.clipboard?.writeText(created ?? '').then(() => notify('app.api_key.copied'));
            }}
          />
          <Button label="ra.action.close" onClick={() => setCreated(undefined)} />
        </DialogActions>
      </Dialog>
      <Confirm
        isOpen={revoking !== undefined}
        title="app.api_key.revoke_title"
        titleTranslateOptions={{ name: revoking?.name ?? '' }}
        content={translate('app.api_key.revoke_content')}
        confirm="app.api_key.revoke"
        onConfirm={() => revoking && revoke(revoking)}
        onClose={() => setRevoking(undefined)}
      />
    </Box>
  );
}
