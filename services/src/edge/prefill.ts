/**
 * Pre-positioning: the site pulls the titles placed on it from its parent distribution node
 * into local storage, inside the off-peak window and under a fill-rate cap, so peak-hour
 * playback is served from the building. Real bytes: the origin lists a title's files (nginx's
 * JSON autoindex), each is fetched into `<file>.partial` (resumed with a Range request after a
 * pause) and renamed when complete, so the edge never serves half a file. Progress is the bytes
 * on disk over the bytes listed, never a function of time. Titles no longer placed are removed.
 *
 * Bounds: listing depth and file count per title, path characters, file size; every fetch has
 * a deadline; one file at a time (the cap is the site's, not per file).
 */

import { createWriteStream, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '@smart-fleet/kube';
import { type ListedFile, listTitle, PARTIAL, SAFE_NAME } from './origin-listing.ts';
import { pacedCopy } from './paced-copy.ts';

/** A fetch that makes no progress for this long is abandoned (and resumed on the next pass). */
const STALL_TIMEOUT_MS = 30_000;
/** How often a closed window or an empty plan is looked at again. */
const IDLE_POLL_MS = 1000;
const MAX_BACKOFF_MS = 30_000;

export interface PlacedTitle {
  title: string;
  /** Placed renditions; files of the title's other renditions are not pulled. */
  renditions: readonly string[];
  /** The size the placement planned with; what counts as to do until the origin has listed the title. */
  sizeMB?: number;
}

export interface PrefillOptions {
  /** The parent distribution node, e.g. http://10.0.0.5:8080. */
  originUrl: string;
  contentDir: string;
  fillRateMBps: number;
  /** Whether filling may run now (the off-peak window). */
  mayFill: () => boolean;
  /** The title's rendition names (from its packaged manifest), to tell rendition directories apart. */
  renditionsOf?: (title: string) => Promise<readonly string[]>;
  log: Logger;
}

export interface FillProgress {
  plannedMB: number;
  filledMB: number;
  /** Titles whose every listed file is on disk. */
  titlesComplete: number;
  titlesPlaced: number;
}

export class PrefillError extends Error {
  override readonly name = 'PrefillError';
}

export class Prefiller {
  readonly #o: PrefillOptions;
  #plan: PlacedTitle[] = [];
  readonly #listed = new Map<string, ListedFile[]>();
  #running?: Promise<void>;
  #stopped = false;
  #wake?: () => void;

  constructor(options: PrefillOptions) {
    this.#o = options;
    mkdirSync(options.contentDir, { recursive: true });
  }

  /** Replaces the plan: titles no longer placed leave the disk now; the rest fill in the background. */
  setPlan(titles: readonly PlacedTitle[]): void {
    for (const t of titles) {
      if (!SAFE_NAME.test(t.title)) {
        throw new PrefillError(`placed title "${t.title}" is not a title name`);
      }
    }
    this.#plan = [...titles];
    const keep = new Set(titles.map((t) => t.title));
    for (const entry of readdirSync(this.#o.contentDir, { withFileTypes: true })) {
      if (entry.isDirectory() && !keep.has(entry.name)) {
        rmSync(join(this.#o.contentDir, entry.name), { recursive: true, force: true });
        this.#listed.delete(entry.name);
        this.#o.log.info('removed a title no longer placed', { title: entry.name });
      }
    }
    this.#wake?.();
  }

  start(): void {
    this.#stopped = false;
    this.#running ??= this.#loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#running;
    this.#running = undefined;
  }

  /** Bytes on disk over bytes listed, for the placed titles (a title not listed yet: none of its planned size). */
  progress(): FillProgress {
    const titles = this.#plan.map((t) => this.#titleProgress(t));
    const sum = (pick: (t: { planned: number; filled: number }) => number) =>
      Math.floor(titles.reduce((n, t) => n + pick(t), 0) / 1e6);
    return {
      plannedMB: sum((t) => t.planned),
      filledMB: sum((t) => t.filled),
      titlesComplete: titles.filter((t) => t.listed && t.filled === t.planned).length,
      titlesPlaced: titles.length,
    };
  }

  #titleProgress({ title, sizeMB }: PlacedTitle): { listed: boolean; planned: number; filled: number } {
    const files = this.#listed.get(title);
    if (!files) {
      return { listed: false, planned: (sizeMB ?? 0) * 1e6, filled: 0 };
    }
    return {
      listed: true,
      planned: files.reduce((n, f) => n + f.bytes, 0),
      filled: files.reduce((n, f) => n + Math.min(f.bytes, this.#onDisk(title, f)), 0),
    };
  }

  #onDisk(title: string, f: ListedFile): number {
    const path = join(this.#o.contentDir, title, f.path);
    return (
      statSync(path, { throwIfNoEntry: false })?.size ??
      statSync(`${path}${PARTIAL}`, { throwIfNoEntry: false })?.size ??
      0
    );
  }

  async #loop(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      let worked = false;
      try {
        worked = this.#o.mayFill() && (await this.#pass());
        failures = 0;
      } catch (error) {
        failures++;
        if (failures === 1 || failures % 10 === 0) {
          this.#o.log.error('pre-positioning failed; retrying with backoff', { error, failures });
        }
      }
      if (!worked && !this.#stopped) {
        await this.#idle(Math.min(MAX_BACKOFF_MS, IDLE_POLL_MS * 2 ** failures));
      }
    }
  }

  /** Waits `ms`, or less if the plan changes or a stop is asked. */
  async #idle(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
      setTimeout(resolve, ms).unref();
    });
    this.#wake = undefined;
  }

  /** One fetch, of the first file of the plan not yet on disk; false when there is none (or filling must pause). */
  async #pass(): Promise<boolean> {
    for (const placed of [...this.#plan]) {
      const files = this.#listed.get(placed.title) ?? (await this.#list(placed));
      this.#listed.set(placed.title, files);
      const missing = files.find((f) => this.#onDisk(placed.title, f) < f.bytes);
      if (missing && !this.#stopped && this.#o.mayFill() && this.#plan.includes(placed)) {
        await this.#fetch(placed.title, missing);
        return true;
      }
    }
    return false;
  }

  async #list(placed: PlacedTitle): Promise<ListedFile[]> {
    const all = (await this.#o.renditionsOf?.(placed.title).catch(() => [])) ?? [];
    return listTitle(
      this.#o.originUrl,
      placed.title,
      new Set(all.filter((r) => !placed.renditions.includes(r))),
    );
  }

  /** Fetches (or resumes) one file at the capped rate; it is renamed into place only when whole. */
  async #fetch(title: string, f: ListedFile): Promise<void> {
    const target = join(this.#o.contentDir, title, f.path);
    const partial = `${target}${PARTIAL}`;
    mkdirSync(dirname(target), { recursive: true });
    const have = statSync(partial, { throwIfNoEntry: false })?.size ?? 0;
    const controller = new AbortController();
    const noAnswer = setTimeout(() => controller.abort(), STALL_TIMEOUT_MS);
    const res = await fetch(`${this.#o.originUrl}/titles/${title}/${f.path}`, {
      headers: have > 0 ? { range: `bytes=${have}-` } : {},
      signal: controller.signal,
    }).finally(() => clearTimeout(noAnswer));
    if (!(res.ok || res.status === 206) || !res.body) {
      throw new PrefillError(`fetching ${title}/${f.path}: HTTP ${res.status}`);
    }
    await pacedCopy({
      body: res.body,
      out: createWriteStream(partial, { flags: res.status === 206 ? 'a' : 'w' }),
      bytesPerSecond: this.#o.fillRateMBps * 1e6,
      shouldStop: () => this.#stopped || !this.#o.mayFill(),
      abort: () => controller.abort(),
      stallMs: STALL_TIMEOUT_MS,
    });
    const size = statSync(partial).size;
    if (size === f.bytes) {
      renameSync(partial, target);
    } else if (size > f.bytes) {
      rmSync(partial); // the file changed at the origin: start again
    }
  }
}
