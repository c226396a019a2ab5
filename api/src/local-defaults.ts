/** Where the API and its development issuer listen on a developer's machine (`npm start`). */
import { join } from 'node:path';
import { DEFAULT_HUB_DIR } from '@smart-fleet/kube';

export const LOCAL_API_PORT = 16080;
export const LOCAL_ISSUER_PORT = 16081;
export const LOCAL_ISSUER = `http://127.0.0.1:${LOCAL_ISSUER_PORT}`;
/** The development issuer's signing key lives with the local hub's other keys. */
export const LOCAL_ISSUER_DIR = join(DEFAULT_HUB_DIR, 'api');
