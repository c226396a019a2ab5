/**
 * Noticing changes in a directory: fs.watch for promptness, and a poll as the fallback, since
 * inotify misses changes on some filesystems, and a directory that does not exist yet (or was
 * deleted) cannot be watched at all. A lost watch is set up again at the next poll. `onChange`
 * gets the file name the event names (null when the platform does not say, or for a poll), so a
 * caller watching a busy directory such as /dev can ignore events about other files.
 */
import { type FSWatcher, watch } from 'node:fs';

export interface DirWatchOptions {
  dir: string;
  pollMs: number;
  onChange: (fileName: string | null) => void;
}

export class DirWatch {
  readonly #options: DirWatchOptions;
  readonly #poll: NodeJS.Timeout;
  #watcher: FSWatcher | undefined;
  #closed = false;

  constructor(options: DirWatchOptions) {
    this.#options = options;
    this.#arm();
    this.#poll = setInterval(() => {
      this.#arm();
      options.onChange(null);
    }, options.pollMs);
  }

  /** Whether fs.watch is active now (false: changes are seen by the poll only). */
  get watching(): boolean {
    return this.#watcher !== undefined;
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#poll);
    this.#watcher?.close();
    this.#watcher = undefined;
  }

  #arm(): void {
    if (this.#watcher || this.#closed) {
      return;
    }
    try {
      const watcher = watch(this.#options.dir, { persistent: false }, (_event, fileName) =>
        this.#options.onChange(fileName),
      );
      watcher.on('error', () => {
        watcher.close();
        if (this.#watcher === watcher) {
          this.#watcher = undefined;
        }
      });
      this.#watcher = watcher;
    } catch {
      // Not there (yet), or not watchable: the poll keeps looking and tries again.
      this.#watcher = undefined;
    }
  }
}
