import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readMpeg7 } from './mpeg7-reader.ts';
import { positionOf, refusal, sampleTitle } from './mpeg7-test-support.ts';
import { MPEG7_LIMITS } from './mpeg7-vocabulary.ts';
import { writeMpeg7 } from './mpeg7-writer.ts';

const VALID = writeMpeg7(sampleTitle());
const BODY = VALID.slice(VALID.indexOf('<Mpeg7'));
const PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n';

describe('hostile MPEG-7 documents', () => {
  it('refuses billion laughs at its DOCTYPE, before any entity is expanded', () => {
    const levels = Array.from({ length: 9 }, (_, i) => `  <!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`);
    const xml = `${PROLOG}<!DOCTYPE Mpeg7 [\n  <!ENTITY lol0 "lol">\n${levels.join('\n')}\n]>\n${BODY.replace('Seoul by night', '&lol9;')}`;
    const started = process.hrtime.bigint();
    const error = refusal(() => readMpeg7(xml, 'laughs.xml'), 'doctype');
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 1000, 'refused at once, not after expanding');
    assert.deepEqual(
      { line: error.location.line, column: error.location.column },
      positionOf(xml, '<!DOCTYPE'),
    );
    assert.match(error.message, /^laughs\.xml:2:1: \(document\): a DOCTYPE is not accepted/);
  });

  it('refuses an external entity (SYSTEM file:///etc/passwd) without reading the file', () => {
    const xml = `${PROLOG}<!-- a comment first -->\n<!DOCTYPE Mpeg7 [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n${BODY.replace('Seoul by night', '&xxe;')}`;
    const error = refusal(() => readMpeg7(xml, 'xxe.xml'), 'doctype');
    assert.equal(error.location.line, 3);
    const passwd = readFileSync('/etc/passwd', 'utf8').split('\n')[0] ?? 'root:';
    assert.ok(!error.message.includes(passwd.slice(0, 8)), 'nothing of the file is in the message');
  });

  it('refuses an entity reference without a DOCTYPE as undefined, naming its element', () => {
    const xml = VALID.replace('Seoul by night', '&xxe;');
    const error = refusal(() => readMpeg7(xml, 'undefined.xml'), 'not-well-formed');
    assert.match(error.message, /undefined entity/);
    assert.match(error.location.path, /Creation\/Title$/);
    assert.equal(error.location.line, positionOf(xml, '&xxe;').line);
  });

  it('refuses another root element, and Mpeg7 in another namespace', () => {
    const rss = refusal(
      () => readMpeg7(`${PROLOG}<rss version="2.0"><channel/></rss>`, 'rss.xml'),
      'wrong-root',
    );
    assert.match(
      rss.message,
      /rss\.xml:2:1: rss: the root element is rss, not Mpeg7 in urn:mpeg:mpeg7:schema:2004/,
    );
    const old = VALID.replace('urn:mpeg:mpeg7:schema:2004', 'urn:mpeg:mpeg7:schema:2001');
    refusal(() => readMpeg7(old, 'old.xml'), 'wrong-root');
  });

  it('refuses a document without a Title, naming Creation and its line', () => {
    const xml = VALID.replace(/\s*<Title type="main">[^<]*<\/Title>/, '');
    const error = refusal(() => readMpeg7(xml, 'untitled.xml'), 'missing');
    assert.match(error.message, /Creation has no Title/);
    assert.match(error.location.path, /\/CreationInformation\/Creation$/);
    assert.deepEqual(
      { line: error.location.line, column: error.location.column },
      positionOf(xml, '<Creation>'),
    );
  });

  it('refuses a 10 MB document by its size, before parsing', () => {
    const xml = VALID.replace('A night in Seoul.', 'x'.repeat(10 * 1024 * 1024));
    const error = refusal(() => readMpeg7(xml, 'huge.xml'), 'too-large');
    assert.match(error.message, new RegExp(`at most ${MPEG7_LIMITS.maxBytes} are read`));
  });

  it('refuses nesting 10,000 deep at the first element past the limit', () => {
    const depth = 10_000;
    const xml = `${PROLOG}<Mpeg7 xmlns="urn:mpeg:mpeg7:schema:2004">${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</Mpeg7>`;
    const error = refusal(() => readMpeg7(xml, 'deep.xml'), 'too-deep');
    assert.equal(error.location.path.split('/').length, MPEG7_LIMITS.maxDepth);
    assert.match(error.message, new RegExp(`deeper than ${MPEG7_LIMITS.maxDepth} elements`));
  });

  it('refuses too many elements, too many attributes and overlong text', () => {
    const many = `${PROLOG}<Mpeg7 xmlns="urn:mpeg:mpeg7:schema:2004">${'<a/>'.repeat(MPEG7_LIMITS.maxElements)}</Mpeg7>`;
    refusal(() => readMpeg7(many, 'many.xml'), 'too-many-elements');
    const attributes = Array.from({ length: MPEG7_LIMITS.maxAttributes + 1 }, (_, i) => `a${i}="v"`).join(
      ' ',
    );
    const wide = refusal(
      () => readMpeg7(VALID.replace('<Video>', `<Video ${attributes}>`), 'wide.xml'),
      'too-many-attributes',
    );
    assert.match(wide.location.path, /MultimediaContent\/Video$/);
    const long = VALID.replace('A night in Seoul.', 'y'.repeat(MPEG7_LIMITS.maxTextChars + 1));
    const overlong = refusal(() => readMpeg7(long, 'long.xml'), 'overlong');
    assert.match(overlong.location.path, /Abstract\/FreeTextAnnotation$/);
  });

  it('refuses an unknown codec and an unreadable duration at their elements', () => {
    const codec = VALID.replace('<Name>H.264</Name>', '<Name>VP9</Name>');
    const unknown = refusal(() => readMpeg7(codec, 'codec.xml'), 'unknown-value');
    assert.match(unknown.message, /Format "VP9" is not a codec renditions use/);
    assert.match(unknown.location.path, /MediaProfile\/MediaFormat\/VisualCoding\/Format$/);
    // Names are looked up in a Map: a name like an Object prototype key is just unknown.
    const prototypeKey = VALID.replace('<Name>H.264</Name>', '<Name>constructor</Name>');
    refusal(() => readMpeg7(prototypeKey, 'codec.xml'), 'unknown-value');
    const duration = VALID.replace('PT1H30M12S', 'ninety minutes');
    const bad = refusal(() => readMpeg7(duration, 'duration.xml'), 'unknown-value');
    assert.equal(bad.location.line, positionOf(duration, '<MediaDuration>').line);
  });

  it("refuses a title longer than the model allows at its Title element, in the model's words", () => {
    const xml = VALID.replace('Seoul by night', 'S'.repeat(600));
    const error = refusal(() => readMpeg7(xml, 'long-title.xml'), 'invalid');
    assert.match(error.location.path, /Creation\/Title$/);
    assert.match(error.message, /spec\.mpeg7\.title: expected string length less or equal to 512/);
    assert.ok(error.message.length < 1000, 'the message does not repeat the value');
  });

  it('refuses bytes that are not UTF-8, and a declared other encoding', () => {
    const latin1 = Buffer.from(VALID.replace('Seoul', 'S\u00e9oul'), 'latin1');
    refusal(() => readMpeg7(latin1, 'latin1.xml'), 'encoding');
    const declared = VALID.replace('encoding="UTF-8"', 'encoding="UTF-16"');
    refusal(() => readMpeg7(declared, 'utf16.xml'), 'encoding');
  });

  it('refuses malformed XML with saxes naming what and where', () => {
    const xml = VALID.replace('</Genre>', '</Genr>');
    const error = refusal(() => readMpeg7(xml, 'broken.xml'), 'not-well-formed');
    assert.equal(error.location.line, positionOf(xml, '</Genr>').line);
    assert.match(error.location.path, /Classification\/Genre$/);
  });
});
