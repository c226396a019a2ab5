/**
 * Stack configuration, read one way by every program: each value is checked where it is read,
 * and a bad or missing one stops the program with a message that names its key
 * (`smart-fleet:operators.replicas`), so `pulumi preview` says exactly what to fix.
 */
import * as pulumi from '@pulumi/pulumi';

/** The Pulumi project name, and so the prefix of every configuration key. */
export const PROJECT = 'smart-fleet';

export class StackConfigError extends Error {
  readonly key: string;

  constructor(key: string, problem: string) {
    super(`${PROJECT}:${key}: ${problem}`);
    this.name = 'StackConfigError';
    this.key = key;
  }
}

/** Typed, checked readers over `pulumi.Config('smart-fleet')`. */
export class StackConfig {
  readonly #config = new pulumi.Config(PROJECT);

  string(key: string, fallback?: string): string {
    const value = this.#config.get(key) ?? fallback;
    if (value === undefined || value === '') {
      throw new StackConfigError(key, `is required: pulumi config set ${PROJECT}:${key} <value>`);
    }
    return value;
  }

  optionalString(key: string): string | undefined {
    const value = this.#config.get(key);
    return value === '' ? undefined : value;
  }

  /** One of `allowed`; the error lists them. */
  oneOf<T extends string>(key: string, allowed: readonly T[], fallback?: T): T {
    const value = this.string(key, fallback);
    if (!(allowed as readonly string[]).includes(value)) {
      throw new StackConfigError(key, `must be one of ${allowed.join(', ')}, not "${value}"`);
    }
    return value as T;
  }

  /** An integer within [min, max]. */
  integer(key: string, range: { min: number; max: number; fallback?: number }): number {
    const raw = this.#config.get(key);
    const value = raw === undefined ? range.fallback : Number(raw);
    if (value === undefined) {
      throw new StackConfigError(key, `is required: pulumi config set ${PROJECT}:${key} <integer>`);
    }
    if (!Number.isInteger(value) || value < range.min || value > range.max) {
      throw new StackConfigError(key, `must be an integer from ${range.min} to ${range.max}, not "${raw}"`);
    }
    return value;
  }

  boolean(key: string, fallback: boolean): boolean {
    const raw = this.#config.get(key);
    if (raw === undefined) {
      return fallback;
    }
    if (raw !== 'true' && raw !== 'false') {
      throw new StackConfigError(key, `must be true or false, not "${raw}"`);
    }
    return raw === 'true';
  }

  /** A structured value (`pulumi config set --path`, or JSON); `check` names bad sub-keys. */
  object<T>(key: string, check: (value: unknown) => string | undefined, fallback?: T): T {
    let value: unknown;
    try {
      value = this.#config.getObject<unknown>(key) ?? fallback;
    } catch {
      throw new StackConfigError(key, 'is not valid JSON');
    }
    if (value === undefined) {
      throw new StackConfigError(key, `is required: pulumi config set --path ${PROJECT}:${key}... <value>`);
    }
    const problem = check(value);
    if (problem) {
      throw new StackConfigError(key, problem);
    }
    return value as T;
  }

  /** `object` when the key is set; undefined when it is not. */
  optionalObject<T>(key: string, check: (value: unknown) => string | undefined): T | undefined {
    return this.#config.get(key) === undefined ? undefined : this.object<T>(key, check);
  }

  /** A secret: never printed, stored encrypted in the stack's state. */
  secret(key: string): pulumi.Output<string> {
    const value = this.#config.getSecret(key);
    if (value === undefined) {
      throw new StackConfigError(key, `is required: pulumi config set --secret ${PROJECT}:${key} <value>`);
    }
    return value;
  }

  optionalSecret(key: string): pulumi.Output<string> | undefined {
    return this.#config.getSecret(key);
  }

  /**
   * A secret whose value is checked before anything is declared: a bad value stops the program
   * naming the key and `check`'s problem (which must not quote the value). The check reads the
   * decrypted text the engine passed in, synchronously, so the error is the program's (a check
   * inside `apply` would surface late, as an unhandled rejection with no key); the program only
   * ever uses the secret Output.
   */
  checkedSecret(key: string, check: (value: string) => string | undefined): pulumi.Output<string> {
    const secret = this.secret(key);
    const problem = check(pulumi.runtime.getConfig(`${PROJECT}:${key}`) ?? '');
    if (problem) {
      throw new StackConfigError(key, problem);
    }
    return secret;
  }

  /** `checkedSecret` when the key is set; undefined when it is not. */
  optionalCheckedSecret(
    key: string,
    check: (value: string) => string | undefined,
  ): pulumi.Output<string> | undefined {
    return pulumi.runtime.getConfig(`${PROJECT}:${key}`) === undefined
      ? undefined
      : this.checkedSecret(key, check);
  }
}
