/**
 * One piece of async work that many things may ask for (a watch event, a poll, a retry timer)
 * but that must never run twice at once: asked while it runs, it runs once more afterwards, and
 * any number of asks in that time fold into that one run. Errors go to `onError`; the task
 * itself never throws into the caller.
 */
export class SerialTask {
  readonly #work: () => Promise<void>;
  readonly #onError: (error: unknown) => void;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(work: () => Promise<void>, onError: (error: unknown) => void) {
    this.#work = work;
    this.#onError = onError;
  }

  /** Runs the work now, or once more after the run in progress. */
  trigger(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop();
  }

  /** Resolves once no run is in progress or asked for. */
  async idle(): Promise<void> {
    while (this.#running) {
      await this.#running;
    }
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      try {
        await this.#work();
      } catch (error) {
        this.#onError(error);
      }
    } while (this.#again);
    this.#running = undefined;
  }
}
