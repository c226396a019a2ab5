/**
 * The sign-in page: staff go to the organisation's identity provider (in `npm start`, the local
 * development issuer's role picker); partners paste the API key an operator gave them. The
 * language can be switched here already, before anyone is signed in.
 */
import { Alert, Box, Button, Card, CardContent, Divider, Stack, TextField, Typography } from '@mui/material';
import { type FormEvent, useState } from 'react';
import { LocalesMenuButton, useLogin, useTranslate } from 'react-admin';
import type { LoginParams } from './auth-provider.ts';

export function LoginPage() {
  const translate = useTranslate();
  const login = useLogin();
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const signIn = (params: LoginParams) => {
    setBusy(true);
    setError(undefined);
    login(params).catch((e: unknown) => {
      setBusy(false);
      setError((e as Error).message);
    });
  };
  const submitKey = (event: FormEvent) => {
    event.preventDefault();
    signIn({ kind: 'partner', apiKey });
  };

  return (
    <Box
      component="main"
      sx={{
        minHeight: '100vh',
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        bgcolor: '#eef2f7',
      }}
    >
      <Card sx={{ width: 420, maxWidth: '95vw' }}>
        <CardContent>
          <Stack direction="row" sx={{ justifyContent: 'space-between', alignItems: 'center' }}>
            <Typography variant="h5" component="h1">
              {translate('app.title')}
            </Typography>
            <LocalesMenuButton />
          </Stack>
          <Typography variant="body2" sx={{ mb: 2 }}>
            {translate('app.login.intro')}
          </Typography>
          {error && (
            <Alert severity="error" sx={{ mb: 2 }} role="alert">
              {translate(error, { _: error })}
            </Alert>
          )}
          <Typography variant="h6" component="h2">
            {translate('app.login.staff')}
          </Typography>
          <Typography variant="body2" sx={{ mb: 1 }}>
            {translate('app.login.staff_help')}
          </Typography>
          <Button
            variant="contained"
            fullWidth
            disabled={busy}
            onClick={() => signIn({ kind: 'staff' })}
            data-testid="staff-sign-in"
          >
            {translate('app.login.staff_button')}
          </Button>
          <Divider sx={{ my: 3 }} />
          <Typography variant="h6" component="h2">
            {translate('app.login.partner')}
          </Typography>
          <form onSubmit={submitKey}>
            <TextField
              id="api-key"
              label={translate('app.login.api_key')}
              helperText={translate('app.login.api_key_help')}
              type="password"
              autoComplete="off"
              fullWidth
              margin="normal"
              value={apiKey}
              onChange={(e) => setApiKey(e.target.value)}
              slotProps={{ htmlInput: { maxLength: 220 } }}
            />
            <Button type="submit" variant="outlined" fullWidth disabled={busy || apiKey === ''}>
              {translate('app.login.partner_button')}
            </Button>
          </form>
        </CardContent>
      </Card>
    </Box>
  );
}
