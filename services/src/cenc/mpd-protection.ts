/**
 * Writing the MPD's ContentProtection for CENC output: ffmpeg's DASH muxer writes none, so each
 * AdaptationSet gains, as its first children (where the DASH schema puts them):
 * - mp4protection (`value="cenc"`, `cenc:default_KID`): "this set is CENC, under this KID";
 * - the W3C common system (1077efec-...) with its `cenc:pssh`: what browsers' ClearKey reads;
 * - DASH-IF's ClearKey system (e2719d58-...) with its `cenc:pssh` and, when one is given, the
 *   license URL (`clearkey:Laurl`).
 * The MPD is read with a real XML parser (saxes) only to find where the elements go; the rest of
 * the text is kept byte for byte. Input is bounded and its root must be MPD.
 */
import { SaxesParser, type SaxesTag } from 'saxes';
import { psshBox } from './cenc-boxes.ts';
import {
  CENC_NAMESPACE,
  CLEARKEY_DASH_SYSTEM_ID,
  CLEARKEY_NAMESPACE,
  COMMON_SYSTEM_ID,
  MP4_PROTECTION_SCHEME,
} from './system-ids.ts';

/** ffmpeg's MPD for a ladder is a few kB; anything near this is not one of ours. */
export const MAX_MPD_CHARS = 1024 * 1024;
const MAX_ADAPTATION_SETS = 64;

export class MpdError extends Error {
  override readonly name = 'MpdError';
}

export interface MpdProtection {
  keyId: string;
  /** Where players get ClearKey licenses; written as clearkey:Laurl when given. */
  clearKeyLicenseUrl?: string;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The ContentProtection elements, indented for an AdaptationSet child. */
export function contentProtectionXml(protection: MpdProtection, indent: string): string {
  const kid = protection.keyId.toLowerCase();
  const pssh = (systemId: string) => psshBox(systemId, [kid]).toString('base64');
  const laurl = protection.clearKeyLicenseUrl
    ? `${indent}\t<clearkey:Laurl Lic_type="EME-1.0">${escapeXml(protection.clearKeyLicenseUrl)}</clearkey:Laurl>\n`
    : '';
  return [
    `${indent}<ContentProtection schemeIdUri="${MP4_PROTECTION_SCHEME}" value="cenc" cenc:default_KID="${kid}"/>\n`,
    `${indent}<ContentProtection schemeIdUri="urn:uuid:${COMMON_SYSTEM_ID}" value="ClearKey1.0">\n`,
    `${indent}\t<cenc:pssh>${pssh(COMMON_SYSTEM_ID)}</cenc:pssh>\n`,
    `${indent}</ContentProtection>\n`,
    `${indent}<ContentProtection schemeIdUri="urn:uuid:${CLEARKEY_DASH_SYSTEM_ID}" value="ClearKey1.0">\n`,
    `${indent}\t<cenc:pssh>${pssh(CLEARKEY_DASH_SYSTEM_ID)}</cenc:pssh>\n`,
    laurl,
    `${indent}</ContentProtection>\n`,
  ].join('');
}

interface Insertion {
  at: number;
  text: string;
}

function namespaceAttributes(root: SaxesTag, protection: MpdProtection): string {
  const wanted: [string, string][] = [['xmlns:cenc', CENC_NAMESPACE]];
  if (protection.clearKeyLicenseUrl) {
    wanted.push(['xmlns:clearkey', CLEARKEY_NAMESPACE]);
  }
  return wanted
    .filter(([name]) => !(name in root.attributes))
    .map(([name, uri]) => ` ${name}="${uri}"`)
    .join('');
}

function rootInsertion(tag: SaxesTag, end: number, protection: MpdProtection): Insertion {
  if (tag.name !== 'MPD') {
    throw new MpdError(`the root element is ${tag.name}, not MPD`);
  }
  return { at: end - (tag.isSelfClosing ? 2 : 1), text: namespaceAttributes(tag, protection) };
}

function parse(xml: string, onOpen: (tag: SaxesTag, depth: number, end: number) => void): void {
  const parser = new SaxesParser({ position: true });
  let depth = 0;
  parser.on('opentag', (tag) => {
    depth++;
    onOpen(tag, depth, parser.position);
  });
  parser.on('closetag', () => {
    depth--;
  });
  parser.on('doctype', () => {
    throw new MpdError('an MPD has no DOCTYPE: refused (entities stay off)');
  });
  try {
    parser.write(xml).close();
  } catch (error) {
    if (error instanceof MpdError) {
      throw error;
    }
    throw new MpdError(`the MPD is not well-formed XML: ${(error as Error).message}`);
  }
}

/** Where the protection goes: after each AdaptationSet's start tag, and namespaces on MPD. */
function findInsertions(xml: string, protection: MpdProtection): Insertion[] {
  const insertions: Insertion[] = [];
  parse(xml, (tag, depth, end) => {
    if (depth === 1) {
      insertions.push(rootInsertion(tag, end, protection));
      return;
    }
    if (tag.name !== 'AdaptationSet' || tag.isSelfClosing) {
      return;
    }
    if (insertions.length > MAX_ADAPTATION_SETS) {
      throw new MpdError(`more than ${MAX_ADAPTATION_SETS} AdaptationSets`);
    }
    const indent = '\t'.repeat(depth);
    insertions.push({ at: end, text: `\n${contentProtectionXml(protection, indent).trimEnd()}` });
  });
  return insertions;
}

/** The MPD text with ContentProtection in every AdaptationSet. */
export function protectMpd(xml: string, protection: MpdProtection): string {
  if (xml.length > MAX_MPD_CHARS) {
    throw new MpdError(`the MPD is ${xml.length} characters, over the ${MAX_MPD_CHARS} limit`);
  }
  const insertions = findInsertions(xml, protection);
  if (insertions.length < 2) {
    throw new MpdError('the MPD has no AdaptationSet to protect');
  }
  let out = '';
  let from = 0;
  for (const i of insertions) {
    out += xml.slice(from, i.at) + i.text;
    from = i.at;
  }
  return out + xml.slice(from);
}
