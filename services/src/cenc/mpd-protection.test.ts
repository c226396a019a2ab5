/**
 * The MPD's ContentProtection, read back with an XML parser: every AdaptationSet gets the
 * mp4protection element with cenc:default_KID and the two ClearKey systems with a cenc:pssh that
 * decodes to a pssh box naming the KID; the rest of the MPD is kept byte for byte; an MPD that
 * is not one (wrong root, DOCTYPE, too big, broken XML) is refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SaxesParser } from 'saxes';
import { inspectPssh } from './cenc-inspect.ts';
import { MAX_MPD_CHARS, MpdError, protectMpd } from './mpd-protection.ts';
import { CLEARKEY_DASH_SYSTEM_ID, COMMON_SYSTEM_ID, MP4_PROTECTION_SCHEME } from './system-ids.ts';

const KEY_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const MPD = `<?xml version="1.0" encoding="utf-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT4.0S">
\t<Period id="0" start="PT0.0S">
\t\t<AdaptationSet id="0" contentType="video">
\t\t\t<Representation id="0" mimeType="video/mp4" codecs="avc1.64000d" bandwidth="300000"/>
\t\t</AdaptationSet>
\t\t<AdaptationSet id="1" contentType="audio">
\t\t\t<Representation id="1" mimeType="audio/mp4" codecs="mp4a.40.2" bandwidth="64000"/>
\t\t</AdaptationSet>
\t</Period>
</MPD>
`;

interface Protection {
  set: string;
  scheme: string;
  attributes: Record<string, string>;
  pssh: string[];
  laurl: string[];
}

/** Each ContentProtection with its AdaptationSet id, attributes and child texts. */
function readProtections(xml: string): Protection[] {
  const parser = new SaxesParser({ xmlns: true });
  const found: Protection[] = [];
  let set = '';
  let text = '';
  parser.on('opentag', (tag) => {
    text = '';
    const attrs = Object.fromEntries(Object.entries(tag.attributes).map(([k, a]) => [k, a.value]));
    if (tag.local === 'AdaptationSet') {
      set = attrs.id ?? '';
    } else if (tag.local === 'ContentProtection') {
      found.push({ set, scheme: attrs.schemeIdUri ?? '', attributes: attrs, pssh: [], laurl: [] });
    }
  });
  parser.on('text', (t) => {
    text += t;
  });
  parser.on('closetag', (tag) => {
    if (tag.local === 'pssh' && tag.uri === 'urn:mpeg:cenc:2013') {
      found.at(-1)?.pssh.push(text.trim());
    } else if (tag.local === 'Laurl') {
      found.at(-1)?.laurl.push(text.trim());
    }
  });
  parser.write(xml).close();
  return found;
}

describe('MPD ContentProtection', () => {
  it('protects every AdaptationSet with mp4protection (default_KID) and both ClearKey systems', () => {
    const protections = readProtections(protectMpd(MPD, { keyId: KEY_ID }));
    for (const set of ['0', '1']) {
      const inSet = protections.filter((p) => p.set === set);
      assert.deepEqual(
        inSet.map((p) => p.scheme),
        [MP4_PROTECTION_SCHEME, `urn:uuid:${COMMON_SYSTEM_ID}`, `urn:uuid:${CLEARKEY_DASH_SYSTEM_ID}`],
      );
      assert.equal(inSet[0]?.attributes['cenc:default_KID'], KEY_ID);
      assert.equal(inSet[0]?.attributes.value, 'cenc');
      for (const p of inSet.slice(1)) {
        assert.equal(p.pssh.length, 1, `${p.scheme}: one cenc:pssh`);
        const pssh = inspectPssh(Buffer.from(p.pssh[0] ?? '', 'base64'));
        assert.deepEqual(pssh, { systemId: p.scheme.slice('urn:uuid:'.length), keyIds: [KEY_ID] });
      }
    }
  });

  it('writes the license URL as clearkey:Laurl, escaped, only when given', () => {
    const url = 'https://license.example/clearkey?title=a&b="c"';
    const withUrl = readProtections(protectMpd(MPD, { keyId: KEY_ID, clearKeyLicenseUrl: url }));
    assert.deepEqual(
      withUrl.filter((p) => p.laurl.length > 0).map((p) => [p.set, p.scheme, p.laurl[0]]),
      ['0', '1'].map((set) => [set, `urn:uuid:${CLEARKEY_DASH_SYSTEM_ID}`, url]),
    );
    assert.equal(
      readProtections(protectMpd(MPD, { keyId: KEY_ID })).filter((p) => p.laurl.length > 0).length,
      0,
    );
  });

  it('keeps the rest of the MPD as it was', () => {
    const protectedMpd = protectMpd(MPD, { keyId: KEY_ID });
    const stripped = protectedMpd
      .replace(/\n\t*<ContentProtection[^>]*\/>/g, '')
      .replace(/\n\t*<ContentProtection[\s\S]*?<\/ContentProtection>/g, '')
      .replace(' xmlns:cenc="urn:mpeg:cenc:2013"', '');
    assert.equal(stripped, MPD);
  });

  it('refuses what is not an MPD', () => {
    const cases: [string, string, RegExp][] = [
      ['wrong root', '<Playlist><AdaptationSet/></Playlist>', /root element is Playlist/],
      ['a DOCTYPE', '<!DOCTYPE MPD [<!ENTITY x "y">]><MPD/>', /DOCTYPE/],
      ['no AdaptationSet', '<MPD><Period/></MPD>', /no AdaptationSet/],
      ['broken XML', '<MPD><Period></MPD>', /not well-formed/],
      ['too big', `<MPD>${' '.repeat(MAX_MPD_CHARS)}</MPD>`, /over the \d+ limit/],
    ];
    for (const [what, xml, message] of cases) {
      assert.throws(
        () => protectMpd(xml, { keyId: KEY_ID }),
        (e: unknown) => e instanceof MpdError && message.test(e.message),
        what,
      );
    }
  });
});
