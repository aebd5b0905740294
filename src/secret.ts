// A value that must never be printed: logs, JSON, util.inspect and template strings all see a placeholder.
import { inspect } from 'node:util';

const REDACTED = '**redacted**';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The real value, for the one call that needs it (an SDK credential, a key passphrase). */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
