/**
 * HLS key rotation with ffmpeg's own mechanism, made deterministic. With `-hls_flags
 * periodic_rekey` ffmpeg re-reads `-hls_key_info_file` (key URI, key file path) at the start of
 * every segment, so rotating means changing that file as segments begin. Rewriting a regular
 * file races the muxer (a fast remux is several segments ahead of any watcher), so both the key
 * info file and the key file it names are FIFOs fed from here: ffmpeg blocks opening the key
 * info FIFO until we write segment i's entry, and opening the key FIFO (after closing the info
 * one) tells us it has taken it. Segment i therefore gets exactly the key of its period, and the
 * key bytes never touch the disk.
 */
import { execFileSync } from 'node:child_process';
import { constants, rmSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContentKey } from '../cenc/index.ts';

/** More segments than any title has (24 h at 1-second segments). */
const MAX_SEGMENTS = 100_000;

export interface KeyPeriod {
  keyId: string;
  firstSegment: number;
  segments: number;
}

export interface KeySchedule {
  /** The key of segment `index` (0-based), or undefined when the schedule has run out of keys. */
  keyFor: (index: number) => ContentKey | undefined;
  /** The key URI written into the playlist for a key id. */
  uriFor: (keyId: string) => string;
}

function makeFifo(path: string): void {
  execFileSync('mkfifo', ['-m', '600', path]);
}

export class HlsKeyFeed {
  /** Pass as ffmpeg's -hls_key_info_file. */
  readonly keyInfoPath: string;
  private readonly keyPath: string;
  private readonly schedule: KeySchedule;
  private readonly periods: KeyPeriod[] = [];
  private stopped = false;
  private running: Promise<void> = Promise.resolve();
  private failure: Error | undefined;

  constructor(dir: string, schedule: KeySchedule) {
    this.keyInfoPath = join(dir, 'key-info.fifo');
    this.keyPath = join(dir, 'key.fifo');
    this.schedule = schedule;
  }

  /** Makes the FIFOs and starts answering ffmpeg's reads. */
  start(): void {
    makeFifo(this.keyInfoPath);
    makeFifo(this.keyPath);
    this.running = this.feed().catch((error: Error) => {
      this.failure = error;
    });
  }

  /** The key periods ffmpeg was given, in segment order. */
  get keyPeriods(): readonly KeyPeriod[] {
    return this.periods;
  }

  /** Why feeding stopped early (the schedule ran out of keys), if it did. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Opens a FIFO for writing: resolves when ffmpeg (or stop) opens it for reading. */
  private async writeWhenRead(path: string, data: () => Buffer | undefined): Promise<boolean> {
    const handle = await open(path, 'w');
    try {
      const bytes = this.stopped ? undefined : data();
      if (bytes !== undefined) {
        await handle.write(bytes);
      }
      return bytes !== undefined;
    } finally {
      await handle.close();
    }
  }

  private async feed(): Promise<void> {
    for (let index = 0; index < MAX_SEGMENTS && !this.stopped; index++) {
      const key = this.schedule.keyFor(index);
      if (!key) {
        // Closing the FIFO unwritten makes ffmpeg fail on this segment: no key is ever reused.
        this.failure = new Error(`segment ${index} has no key: the schedule ran out of keys`);
        await this.writeWhenRead(this.keyInfoPath, () => undefined);
        return;
      }
      const info = Buffer.from(`${this.schedule.uriFor(key.keyId)}\n${this.keyPath}\n`);
      if (!(await this.writeWhenRead(this.keyInfoPath, () => info))) {
        return;
      }
      if (!(await this.writeWhenRead(this.keyPath, () => key.key))) {
        return;
      }
      this.record(key.keyId, index);
    }
  }

  private record(keyId: string, index: number): void {
    const last = this.periods.at(-1);
    if (last && last.keyId === keyId) {
      last.segments++;
    } else {
      this.periods.push({ keyId, firstSegment: index, segments: 1 });
    }
  }

  /** Stops feeding once ffmpeg has exited: unblocks a pending open, then removes the FIFOs. */
  async stop(): Promise<void> {
    this.stopped = true;
    const readers: FileHandle[] = [];
    try {
      for (const path of [this.keyInfoPath, this.keyPath]) {
        // A non-blocking reader lets a writer blocked in open() through; it then sees `stopped`.
        readers.push(await open(path, constants.O_RDONLY | constants.O_NONBLOCK));
      }
      await this.running;
    } finally {
      await Promise.all(readers.map((r) => r.close()));
      rmSync(this.keyInfoPath, { force: true });
      rmSync(this.keyPath, { force: true });
    }
  }
}
