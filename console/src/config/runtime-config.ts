/**
 * The settings the console reads at run time from `config.json` beside index.html (the API
 * serves it under /console in `npm start`; the stack's nginx image writes it from the
 * Deployment's environment). One build runs anywhere; nothing here is secret.
 */
export interface RuntimeConfig {
  /** The GraphQL endpoint, absolute or relative to the console's page. */
  apiUrl: string;
  /** Staff sign in against this OIDC issuer (authorization code + PKCE). */
  oidcIssuer: string;
  /** The console's public client id at the issuer. */
  oidcClientId: string;
}

const MAX_VALUE_LENGTH = 2048;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Checks the parsed config.json, naming the first field that is missing or wrong. */
export function checkConfig(value: unknown): RuntimeConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError('config.json is not a JSON object');
  }
  const record = value as Record<string, unknown>;
  const text = (name: keyof RuntimeConfig): string => {
    const field = record[name];
    if (typeof field !== 'string' || field === '' || field.length > MAX_VALUE_LENGTH) {
      throw new ConfigError(
        `config.json: ${name} must be a non-empty string of at most ${MAX_VALUE_LENGTH} characters`,
      );
    }
    return field;
  };
  const config = {
    apiUrl: text('apiUrl'),
    oidcIssuer: text('oidcIssuer'),
    oidcClientId: text('oidcClientId'),
  };
  if (!/^https?:\/\//.test(config.oidcIssuer)) {
    throw new ConfigError('config.json: oidcIssuer must be an http(s) URL');
  }
  return config;
}

export async function loadRuntimeConfig(base: string): Promise<RuntimeConfig> {
  const response = await fetch(new URL('config.json', base), { cache: 'no-cache' });
  if (!response.ok) {
    throw new ConfigError(`config.json could not be read (HTTP ${response.status})`);
  }
  return checkConfig(await response.json());
}
