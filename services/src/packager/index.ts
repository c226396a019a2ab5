/**
 * The packager: `packageTitle` turns a mezzanine file into a rendition ladder packaged for HLS
 * (AES-128 TS, rotating keys) and DASH (CENC fMP4), recorded in packaged.json. The CLI is main.ts.
 */
export { defaultLadder, fitResolution, type Ladder, type Resolution } from './ladder.ts';
export { type Format, type PackageOptions, type RenditionSpec, resolveOptions } from './package-options.ts';
export { type PackageProgress, type PackageStep, packageTitle } from './package-title.ts';
export { MANIFEST_FILE, type PackagedRendition, type PackagedTitle } from './packaged-manifest.ts';
export { FfmpegError, PackagerInputError } from './packager-errors.ts';
export type { Codec } from './video-codecs.ts';
