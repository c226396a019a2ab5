import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { makeServingCert, type ServingCert } from '@smart-fleet/hub';
import { readCertDir } from './mounted-cert.ts';

describe('reading the webhook certificate from a directory', () => {
  let a: ServingCert;
  let b: ServingCert;
  before(async () => {
    [a, b] = await Promise.all([makeServingCert('cert-a'), makeServingCert('cert-b')]);
  });
  const dirWith = (files: Record<string, Buffer | string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'cert-dir-'));
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(dir, name), content);
    }
    return dir;
  };

  it('returns a matching tls.crt and tls.key', () => {
    const pair = readCertDir(dirWith({ 'tls.crt': a.cert, 'tls.key': a.key }));
    assert.ok(pair.cert.equals(a.cert));
    assert.ok(pair.key.equals(a.key));
  });

  it('names the missing file', () => {
    const dir = dirWith({ 'tls.crt': a.cert });
    assert.throws(() => readCertDir(dir), { message: new RegExp(`cannot read ${join(dir, 'tls.key')}`) });
  });

  it('refuses a key that is not the certificate’s', () => {
    assert.throws(() => readCertDir(dirWith({ 'tls.crt': a.cert, 'tls.key': b.key })), {
      message: /tls\.key is not the key of tls\.crt/,
    });
  });

  it('refuses files that are not PEM', () => {
    assert.throws(() => readCertDir(dirWith({ 'tls.crt': 'hello', 'tls.key': a.key })), {
      message: /not a PEM certificate and key/,
    });
  });
});
