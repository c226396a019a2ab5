import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { contentTitleKind, validateSpec } from '@smart-fleet/model';
import { formatMediaDuration, parseMediaDuration } from './media-duration.ts';
import { readMpeg7 } from './mpeg7-reader.ts';
import { positionOf, refusal, sampleTitle } from './mpeg7-test-support.ts';
import { MPEG7_FILE } from './mpeg7-vocabulary.ts';
import { writeMpeg7, writeMpeg7File } from './mpeg7-writer.ts';

describe('MPEG-7 round trip', () => {
  it('reads back exactly what it wrote, frame sizes included', () => {
    const title = sampleTitle();
    assert.deepEqual(readMpeg7(writeMpeg7(title), 'sample.xml'), title);
  });

  it('round-trips a title with no creators, no synopsis and no frame sizes', () => {
    const { mpeg7, renditions } = sampleTitle();
    const { synopsis: _, ...bare } = { ...mpeg7, creators: [] };
    const title = { mpeg7: bare, renditions: renditions.slice(0, 1), frames: {} };
    assert.deepEqual(readMpeg7(writeMpeg7(title), 'bare.xml'), title);
  });

  it('gives a spec fragment the fleet model accepts as a ContentTitle', () => {
    const { mpeg7, renditions } = readMpeg7(writeMpeg7(sampleTitle()), 'sample.xml');
    assert.deepEqual(validateSpec(contentTitleKind, { owner: 'public-broadcaster', mpeg7, renditions }), []);
  });

  it('writes the schema namespace, the typed description and the standard codec terms', () => {
    const xml = writeMpeg7(sampleTitle());
    assert.match(xml, /<Mpeg7 xmlns="urn:mpeg:mpeg7:schema:2004"/);
    assert.match(xml, /<Description xsi:type="ContentEntityType">/);
    assert.match(xml, /<MultimediaContent xsi:type="VideoType">/);
    assert.match(xml, /<MediaDuration>PT1H30M12S<\/MediaDuration>/);
    assert.match(xml, /href="urn:mpeg:mpeg7:cs:VisualCodingFormatCS:2001:2"/);
    assert.match(xml, /<BitRate>8500000<\/BitRate>/);
    assert.match(xml, /<FileSize>13530000000<\/FileSize>/);
    assert.match(xml, /<Frame height="1080" width="1920"\/>/);
  });

  it('writes mpeg7.xml beside a packaged title', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpeg7-'));
    try {
      const file = await writeMpeg7File(dir, sampleTitle());
      assert.equal(file, join(dir, MPEG7_FILE));
      assert.deepEqual(readMpeg7(readFileSync(file), file), sampleTitle());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to write text XML cannot carry, naming the field', () => {
    const title = sampleTitle();
    title.mpeg7.title = 'bell\u0007';
    const error = refusal(() => writeMpeg7(title), 'unwritable');
    assert.equal(error.location.path, 'spec.mpeg7.title');
  });
});

/** A document as another MPEG-7 writer might put it: prefixed names, more of the schema. */
const FOREIGN = `<?xml version="1.0" encoding="utf-8"?>
<!-- written by hand, the way other tools do -->
<mpeg7:Mpeg7 xmlns:mpeg7="urn:mpeg:mpeg7:schema:2004" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:x="urn:example:extra">
  <mpeg7:DescriptionMetadata><mpeg7:CreationTime>2026-01-01T00:00:00</mpeg7:CreationTime></mpeg7:DescriptionMetadata>
  <mpeg7:Description xsi:type="mpeg7:ContentEntityType">
    <mpeg7:MultimediaContent xsi:type="mpeg7:AudioVisualType">
      <mpeg7:AudioVisual>
        <mpeg7:MediaInformation>
          <mpeg7:MediaProfile>
            <mpeg7:MediaFormat>
              <mpeg7:Content href="urn:mpeg:mpeg7:cs:ContentCS:2001:2"/>
              <mpeg7:FileSize>1234567</mpeg7:FileSize>
              <mpeg7:BitRate variable="true">3000000</mpeg7:BitRate>
              <mpeg7:VisualCoding>
                <mpeg7:Format href="urn:mpeg:mpeg7:cs:VisualCodingFormatCS:2001:3" colorDomain="color"/>
                <mpeg7:Frame height="480" width="854" rate="25"/>
              </mpeg7:VisualCoding>
            </mpeg7:MediaFormat>
            <mpeg7:MediaInstance>
              <mpeg7:InstanceIdentifier> sd-3m </mpeg7:InstanceIdentifier>
              <mpeg7:MediaLocator><mpeg7:MediaUri>file:///library/sd-3m.mp4</mpeg7:MediaUri></mpeg7:MediaLocator>
            </mpeg7:MediaInstance>
          </mpeg7:MediaProfile>
        </mpeg7:MediaInformation>
        <mpeg7:CreationInformation>
          <mpeg7:Creation>
            <mpeg7:Title type="alternative">Nachtzug</mpeg7:Title>
            <mpeg7:Title type="main"><![CDATA[Night train & co]]></mpeg7:Title>
            <mpeg7:Creator>
              <mpeg7:Role href="urn:mpeg:mpeg7:cs:RoleCS:2001:PRODUCER"/>
              <mpeg7:Agent xsi:type="mpeg7:PersonType">
                <mpeg7:Name><mpeg7:GivenName>Ada</mpeg7:GivenName><mpeg7:FamilyName>Lovelace</mpeg7:FamilyName></mpeg7:Name>
              </mpeg7:Agent>
            </mpeg7:Creator>
            <mpeg7:Creator>
              <mpeg7:Role><mpeg7:Name>Studio</mpeg7:Name></mpeg7:Role>
              <mpeg7:Agent xsi:type="mpeg7:OrganizationType"><mpeg7:Name>Korea Film Lab</mpeg7:Name></mpeg7:Agent>
            </mpeg7:Creator>
          </mpeg7:Creation>
          <mpeg7:Classification>
            <mpeg7:Genre href="urn:mpeg:mpeg7:cs:GenreCS:2001:1.4"><mpeg7:Name>drama</mpeg7:Name></mpeg7:Genre>
            <mpeg7:Language>en-US</mpeg7:Language>
          </mpeg7:Classification>
          <x:Rating>ignored: another vocabulary</x:Rating>
        </mpeg7:CreationInformation>
        <mpeg7:MediaTime>
          <mpeg7:MediaTimePoint>T00:00:00</mpeg7:MediaTimePoint>
          <mpeg7:MediaDuration>PT1M30S13N25F</mpeg7:MediaDuration>
        </mpeg7:MediaTime>
      </mpeg7:AudioVisual>
    </mpeg7:MultimediaContent>
  </mpeg7:Description>
</mpeg7:Mpeg7>
`;

describe('readMpeg7 on documents from other writers', () => {
  it('reads prefixed names, AudioVisual, person and organisation agents, term hrefs and CDATA', () => {
    assert.deepEqual(readMpeg7(FOREIGN, 'foreign.xml'), {
      mpeg7: {
        title: 'Night train & co',
        genre: ['drama'],
        creators: [
          { name: 'Ada Lovelace', role: 'PRODUCER' },
          { name: 'Korea Film Lab', role: 'Studio' },
        ],
        language: 'en-US',
        // 90 s and 13/25 of a second round to 91.
        durationSeconds: 91,
      },
      renditions: [{ name: 'sd-3m', codec: 'MPEG-4', bitrateMbps: 3, sizeMB: 2 }],
      frames: { 'sd-3m': { width: 854, height: 480 } },
    });
  });

  it("refuses values the fleet model refuses, at the element they came from, in the model's words", () => {
    const xml = FOREIGN.replace('>3000000<', '>30000000<');
    const error = refusal(() => readMpeg7(xml, 'fast.xml'), 'invalid');
    const at = positionOf(xml, '<mpeg7:BitRate');
    assert.deepEqual({ line: error.location.line, column: error.location.column }, at);
    assert.match(error.location.path, /MediaProfile\/MediaFormat\/BitRate$/);
    assert.match(
      error.message,
      /spec\.renditions\[0\]\.bitrateMbps: expected number to be less or equal to 20/,
    );
    assert.match(error.message, /^fast\.xml:\d+:\d+: /);
  });

  it('names the Language element when the language is not BCP 47', () => {
    const xml = FOREIGN.replace('>en-US<', '>English<');
    const error = refusal(() => readMpeg7(xml, 'lang.xml'), 'invalid');
    assert.equal(error.location.line, positionOf(xml, '<mpeg7:Language>').line);
    assert.match(error.location.path, /Classification\/Language$/);
  });

  it('names the second MediaProfile by its position when two describe one rendition', () => {
    const profile = FOREIGN.slice(
      FOREIGN.indexOf('<mpeg7:MediaProfile>'),
      FOREIGN.indexOf('</mpeg7:MediaProfile>') + 21,
    );
    const xml = FOREIGN.replace(profile, `${profile}\n${profile}`);
    const error = refusal(() => readMpeg7(xml, 'twice.xml'), 'duplicate');
    assert.match(error.location.path, /MediaInformation\/MediaProfile\[2\]$/);
  });
});

describe('MPEG-7 media durations', () => {
  const cases: [string, number | RegExp][] = [
    ['PT1H30M', 5400],
    ['PT45S', 45],
    ['P1DT2H', 93600],
    ['PT1M30S12N25F', 90],
    ['PT1M30S13N25F', 91],
    ['PT', /not an MPEG-7 media duration/],
    ['P', /not an MPEG-7 media duration/],
    ['1H', /not an MPEG-7 media duration/],
    ['PT1.5S', /not an MPEG-7 media duration/],
    ['PT3N', /without saying how many make a second/],
    ['PT30N25F', /must be less than a second/],
  ];
  for (const [text, expected] of cases) {
    it(`${text} -> ${expected}`, () => {
      const parsed = parseMediaDuration(text);
      if (typeof expected === 'number') {
        assert.equal(parsed, expected);
      } else {
        assert.match(String(parsed), expected);
      }
    });
  }

  it('formats whole seconds and parses them back', () => {
    for (const seconds of [0, 1, 59, 60, 3599, 3600, 5412, 86400]) {
      assert.equal(parseMediaDuration(formatMediaDuration(seconds)), seconds);
    }
  });
});
