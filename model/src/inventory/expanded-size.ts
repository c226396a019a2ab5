/**
 * The size of a loaded YAML value with every alias expanded, without expanding it.
 *
 * js-yaml resolves an alias to the very object (or string) its anchor made, so a 500-byte
 * "billion laughs" loads as a small graph whose tree, once cloned, merged, checked or turned
 * into JSON, has hundreds of millions of nodes. Sizes are counted on the graph instead: a shared
 * object is measured once and remembered, so measuring costs what the text holds, not what it
 * expands to. Anything that walks a value (defaults merge, schema check, structuredClone) may only
 * do so once it has been measured within the limits.
 */

export interface Measure {
  /** Keys, values and list items, each counted every time it appears with aliases expanded. */
  nodes: number;
  /** Characters of the strings (keys too), aliases expanded. */
  chars: number;
  /** Nesting depth, aliases expanded; a scalar is 1. */
  depth: number;
}

export interface Cap {
  nodes: number;
  chars: number;
}

/** What one scalar counts. */
export function scalarMeasure(value: unknown): Measure {
  return { nodes: 1, chars: typeof value === 'string' ? value.length : 0, depth: 1 };
}

export function isOver(m: Pick<Measure, 'nodes' | 'chars'>, cap: Cap): boolean {
  return m.nodes > cap.nodes || m.chars > cap.chars;
}

/**
 * Calls `visit` with each key (an index in a list) and child until it returns true; true when
 * it stopped early. Walks by index and key, so measuring a huge list copies nothing.
 */
function someChild(value: object, visit: (key: string | number, child: unknown) => boolean): boolean {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (visit(i, value[i])) {
        return true;
      }
    }
    return false;
  }
  for (const key of Object.keys(value)) {
    if (visit(key, (value as Record<string, unknown>)[key])) {
      return true;
    }
  }
  return false;
}

const CYCLE: Measure = { nodes: Number.POSITIVE_INFINITY, chars: 0, depth: 0 };

/**
 * Sizes remembered while loading (every anchored node, and the nodes near the top) and the walk
 * that measures the rest. A cycle (an alias inside the value it names) measures infinitely large.
 */
export class ExpandedSizes {
  readonly #known = new Map<object, Measure>();

  remember(node: object, measure: Measure): void {
    this.#known.set(node, measure);
  }

  known(node: object): Measure | undefined {
    return this.#known.get(node);
  }

  /** `value` measured with aliases expanded; counting stops once past `cap`. */
  measure(value: unknown, cap: Cap): Measure {
    return this.#walk(value, cap, new Set());
  }

  #walk(value: unknown, cap: Cap, open: Set<object>): Measure {
    if (typeof value !== 'object' || value === null) {
      return scalarMeasure(value);
    }
    const known = this.#known.get(value);
    if (known) {
      return known;
    }
    if (open.has(value)) {
      return CYCLE;
    }
    open.add(value);
    const total = { nodes: 1, chars: 0, depth: 1 };
    someChild(value, (key, child) => {
      const left = { nodes: cap.nodes - total.nodes, chars: cap.chars - total.chars };
      const m = this.#walk(child, left, open);
      total.nodes += m.nodes + (typeof key === 'string' ? 1 : 0);
      total.chars += m.chars + (typeof key === 'string' ? key.length : 0);
      total.depth = Math.max(total.depth, m.depth + 1);
      return isOver(total, cap);
    });
    open.delete(value);
    return total;
  }
}

/**
 * The path, below `value`, to where it grows past `cap`: the first child over the cap, then its
 * first child over, and so on, ending at a node none of whose children is over on its own (there
 * the siblings together are) or at the alias that closes a cycle.
 */
export function excessPath(value: unknown, cap: Cap, sizes: ExpandedSizes): (string | number)[] {
  const path: (string | number)[] = [];
  const onPath = new Set<unknown>([value]);
  let node = value;
  // Depth is bounded by INVENTORY_LIMITS.depth; the count bounds the loop whatever happens.
  for (let step = 0; step < 64 && typeof node === 'object' && node !== null; step++) {
    let over: [string | number, unknown] | undefined;
    someChild(node, (key, child) => {
      over = isOver(sizes.measure(child, cap), cap) ? [key, child] : undefined;
      return over !== undefined;
    });
    if (!over) {
      break;
    }
    path.push(over[0]);
    if (onPath.has(over[1])) {
      break; // the alias that closes a cycle
    }
    onPath.add(over[1]);
    node = over[1];
  }
  return path;
}
