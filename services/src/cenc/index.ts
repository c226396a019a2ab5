/**
 * Our small CENC encryptor (ISO/IEC 23001-7, scheme `cenc`, AES-128-CTR) over ffmpeg's clear
 * fragmented MP4: protect the init segment, then each media segment with the tracks it returned,
 * then write the MPD's ContentProtection. ffmpeg 5.1's own fragmented CENC does not decrypt and
 * no packager that does (Shaka, Bento4, GPAC) is installable here; see TOOLCHAIN.md.
 */
export { BOX_LIMITS, type BoxSource } from './box-reader.ts';
export type { IvSize } from './cenc-boxes.ts';
export { inspectInit, inspectSegment } from './cenc-inspect.ts';
export {
  AES_128_KEY_BYTES,
  type ContentKey,
  ContentKeyError,
  checkContentKey,
  uuidText,
} from './content-key.ts';
export { protectInitSegment, type TrackProtection } from './init-segment.ts';
export { IvSequence } from './iv-sequence.ts';
export { protectMediaSegment } from './media-segment.ts';
export { Mp4BoxError, type Mp4BoxProblem } from './mp4-box-error.ts';
export { MpdError, type MpdProtection, protectMpd } from './mpd-protection.ts';
export { CLEARKEY_DASH_SYSTEM_ID, COMMON_SYSTEM_ID } from './system-ids.ts';
