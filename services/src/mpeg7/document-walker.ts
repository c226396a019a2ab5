/**
 * Reading values out of a parsed MPEG-7 tree, each refusal naming the element it is about:
 * exactly-one / at-most-one children, trimmed text, bounded integers and attributes. It also
 * remembers which element each spec field came from, so a problem the fleet model finds later
 * (`spec.renditions[1].bitrateMbps: must be <= 20`) is reported at that element's line.
 */
import type { XmlElement } from './bounded-xml.ts';
import { Mpeg7Error, type Mpeg7ErrorCode } from './mpeg7-error.ts';
import { MPEG7_NAMESPACE } from './mpeg7-vocabulary.ts';

export class DocumentWalker {
  readonly file: string;
  /** Spec path (`spec.mpeg7.title`, `spec.renditions[0]`) -> the element it was read from. */
  readonly sources = new Map<string, XmlElement>();

  constructor(file: string) {
    this.file = file;
  }

  fail(element: XmlElement, code: Mpeg7ErrorCode, detail: string): never {
    const { line, column, path } = element;
    throw new Mpeg7Error(code, detail, { file: this.file, line, column, path });
  }

  /** Children in the MPEG-7 namespace named `local`; elements of other vocabularies are not ours. */
  all(parent: XmlElement, local: string): XmlElement[] {
    return parent.children.filter((c) => c.local === local && c.uri === MPEG7_NAMESPACE);
  }

  optional(parent: XmlElement, local: string): XmlElement | undefined {
    const found = this.all(parent, local);
    if (found.length > 1) {
      this.fail(
        found[1] as XmlElement,
        'duplicate',
        `${local} appears ${found.length} times in ${parent.local}; one is read`,
      );
    }
    return found[0];
  }

  one(parent: XmlElement, local: string): XmlElement {
    const found = this.optional(parent, local);
    if (!found) {
      this.fail(parent, 'missing', `${parent.local} has no ${local}`);
    }
    return found;
  }

  /** The element's text, trimmed; refused when empty. */
  text(element: XmlElement): string {
    const text = element.text.trim();
    if (text.length === 0) {
      this.fail(element, 'missing', `${element.local} is empty`);
    }
    return text;
  }

  /** A whole number of at most `digits` digits, from text or an attribute value. */
  integer(element: XmlElement, value: string | undefined, what: string, digits: number): number {
    const text = value?.trim() ?? '';
    if (!new RegExp(`^\\d{1,${digits}}$`).test(text)) {
      const shown = JSON.stringify(text.slice(0, 32));
      this.fail(
        element,
        text ? 'unknown-value' : 'missing',
        `${what} ${shown} is not a whole number of at most ${digits} digits`,
      );
    }
    return Number(text);
  }

  /** Records that `specPath` was read from `element`; returns the value for chaining. */
  from<T>(specPath: string, element: XmlElement, value: T): T {
    this.sources.set(specPath, element);
    return value;
  }

  /** The element a spec path (or its nearest recorded parent) was read from. */
  sourceOf(specPath: string, fallback: XmlElement): XmlElement {
    for (let path = specPath; path.length > 0; path = path.replace(/(\.[^.[]*|\[\d+\])$/, '')) {
      const found = this.sources.get(path);
      if (found) {
        return found;
      }
      if (!/(\.[^.[]*|\[\d+\])$/.test(path)) {
        break;
      }
    }
    return fallback;
  }
}
