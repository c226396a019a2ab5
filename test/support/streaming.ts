/**
 * What a streaming edge is tried with: a distribution origin holding one packaged title (a
 * rendition of one segment, its bytes derived from the title's name), and a subscriber's way in
 * as a player goes: an entitlement the hub signed for a title at a site, a session opened with
 * it, and the session's URL prefix for segments.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EntitlementSigner, issueEntitlement, Origin } from '@smart-fleet/services';

/** The one segment of the origin's title. */
export const SEGMENT = 'low/seg0.ts';

/** An origin on loopback serving `title` from a library under `dir`, and the segment's bytes. */
export async function startOneTitleOrigin(
  dir: string,
  title: string,
  segmentBytes = 1_000_000,
): Promise<{ origin: Origin; segment: Buffer }> {
  const library = join(dir, 'library');
  const segment = Buffer.alloc(segmentBytes, createHash('sha256').update(title).digest());
  mkdirSync(join(library, title, 'low'), { recursive: true });
  writeFileSync(join(library, title, SEGMENT), segment);
  writeFileSync(
    join(library, title, 'packaged.json'),
    JSON.stringify({ renditions: [{ name: 'low', targetMbps: 2 }] }),
  );
  const origin = await Origin.start({
    dir: join(dir, 'origin'),
    libraryDir: library,
    host: '127.0.0.1',
    port: 0,
  });
  return { origin, segment };
}

/** The key id the test titles are packaged under (any UUID: the edge checks only its shape). */
export const TEST_KEY_ID = '5f0c3d52-4a8e-4b8e-9b1e-2d7b9f3c1a01';

/** POST /sessions with an entitlement `signer` signed for `title` at `site`: the status and body. */
export async function openSession(
  edgeUrl: string,
  signer: EntitlementSigner,
  grant: { site: string; title: string },
): Promise<{ status: number; prefix?: string; body: unknown }> {
  const token = await issueEntitlement(signer, {
    subscriber: 'ann',
    tenant: 'acme',
    ...grant,
    kids: [TEST_KEY_ID],
    ttlSeconds: 300,
  });
  const res = await fetch(`${edgeUrl}/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: grant.title }),
  });
  const text = await res.text();
  let body: { prefix?: string } | string = text;
  try {
    body = JSON.parse(text) as { prefix?: string };
  } catch {
    // A refusal from nginx itself is not JSON: the text is the body.
  }
  return { status: res.status, prefix: typeof body === 'string' ? undefined : body.prefix, body };
}
