/**
 * The one refusal the CENC encryptor raises for MP4 it will not take: malformed (a truncated box,
 * a size that overflows its parent), hostile (more boxes, tracks or samples than any real
 * segment has) or outside what we encrypt (a layout ffmpeg never writes, an already protected
 * track). It names the file, the box by its path (`moof/traf/trun`) and the byte offset, so a
 * bad segment can be found and looked at with a hex dump; it never carries key material.
 */

export type Mp4BoxProblem = 'truncated' | 'bad-size' | 'too-many' | 'missing' | 'unsupported';

export interface Mp4BoxErrorFields {
  problem: Mp4BoxProblem;
  /** The box's path from the top of the file, e.g. `moov/trak/mdia/minf/stbl/stsd`. */
  box: string;
  /** Absolute offset of the box (or of the offending field) in the file. */
  offset: number;
  /** What is wrong, in a sentence without the file or box (those lead the message). */
  detail: string;
  /** The file, for the message; absent when the caller has none. */
  source?: string;
}

export class Mp4BoxError extends Error {
  override readonly name = 'Mp4BoxError';
  readonly problem: Mp4BoxProblem;
  readonly box: string;
  readonly offset: number;
  readonly source: string | undefined;

  constructor(fields: Mp4BoxErrorFields) {
    super(
      `${fields.source ? `${fields.source}: ` : ''}${fields.box} at byte ${fields.offset}: ${fields.detail}`,
    );
    this.problem = fields.problem;
    this.box = fields.box;
    this.offset = fields.offset;
    this.source = fields.source;
  }
}
