/**
 * Limits on a GraphQL document's text and a request's variables, checked before anything
 * recursive touches them. graphql-js parses, validates and (through graphql-jit) compiles by
 * recursion, so a 4,000-deep selection overflowed the stack (HTTP 500) and a long document of
 * tokens cost seconds before the depth and cost limits (operation-limits.ts) ever ran. The text
 * is scanned with graphql's own lexer, which loops rather than recurses, counting tokens and
 * tracking how deeply braces and brackets nest; only a document inside every limit is parsed.
 * A refusal is a GraphQLError with code QUERY_TOO_COMPLEX, `limit` naming which, and HTTP 400.
 */
import { type DocumentNode, GraphQLError, Lexer, parse, Source, TokenKind } from 'graphql';

export const DOCUMENT_LIMITS = {
  /**
   * Characters of document text. Comments and string literals are not tokens, so the token
   * limit alone would let a megabyte through (and into the parsed-document cache, keyed by text).
   */
  characters: 65_536,
  /** Tokens (names, punctuation, values). GraphiQL's whole introspection query is 184. */
  tokens: 5_000,
  /** Braces and brackets inside one another: staff depth 10, plus inline fragments and input objects. */
  nesting: 32,
} as const;

export const VARIABLE_LIMITS = {
  /** Objects and lists inside one another in the variables (a site spec is 4 deep). */
  nesting: 32,
  /** Values in all the variables together (a site spec holds about 60). */
  values: 10_000,
} as const;

export type DocumentLimit = 'characters' | 'tokens' | 'nesting' | 'variables';

export function limitError(limit: DocumentLimit, message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'QUERY_TOO_COMPLEX', limit, http: { status: 400 } },
  });
}

const OPENS: ReadonlySet<string> = new Set([TokenKind.BRACE_L, TokenKind.BRACKET_L]);
const CLOSES: ReadonlySet<string> = new Set([TokenKind.BRACE_R, TokenKind.BRACKET_R]);

/** Refuses a document over a limit, naming the limit and where it was crossed. */
export function checkDocumentText(text: string, limits: typeof DOCUMENT_LIMITS = DOCUMENT_LIMITS): void {
  if (text.length > limits.characters) {
    throw limitError(
      'characters',
      `document is ${text.length} characters long; at most ${limits.characters} allowed`,
    );
  }
  const lexer = new Lexer(new Source(text));
  let tokens = 0;
  let nesting = 0;
  // A syntax error the lexer meets here is the same GraphQLError parse would have thrown.
  for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
    tokens += 1;
    nesting += OPENS.has(token.kind) ? 1 : CLOSES.has(token.kind) ? -1 : 0;
    if (tokens > limits.tokens) {
      throw limitError(
        'tokens',
        `document has more than ${limits.tokens} tokens; at most ${limits.tokens} allowed`,
      );
    }
    if (nesting > limits.nesting) {
      throw limitError(
        'nesting',
        `document nests braces and brackets more than ${limits.nesting} deep (line ${token.line}, column ${token.column}); at most ${limits.nesting} allowed`,
      );
    }
  }
}

/** graphql's parse, refusing first what would make it (or what follows it) run away. */
export function parseWithLimits(source: string | Source): DocumentNode {
  const text = typeof source === 'string' ? source : source.body;
  checkDocumentText(text);
  return parse(source, { maxTokens: DOCUMENT_LIMITS.tokens, noLocation: false });
}

/** At most this much of a variable's path goes into a message (keys are the caller's, of any length). */
const MAX_PATH_CHARACTERS = 200;

interface Pending {
  value: object;
  depth: number;
  path: string;
}

const pathOf = (parent: Pending, key: string) =>
  (Array.isArray(parent.value)
    ? `${parent.path}[${key}]`
    : parent.path
      ? `${parent.path}.${key}`
      : key
  ).slice(0, MAX_PATH_CHARACTERS);

/**
 * Refuses variables that nest too deeply or hold too many values. JSON.parse built them without
 * recursion, but coercion, the model's checks and the writes walk them recursively. Iterative,
 * and stops at the first limit crossed.
 */
export function checkVariables(variables: unknown, limits: typeof VARIABLE_LIMITS = VARIABLE_LIMITS): void {
  if (variables === null || typeof variables !== 'object') {
    return;
  }
  const stack: Pending[] = [{ value: variables, depth: 0, path: '' }];
  let values = 0;
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (item.depth > limits.nesting) {
      throw limitError(
        'variables',
        `variables nest more than ${limits.nesting} deep (at $${item.path}); at most ${limits.nesting} allowed`,
      );
    }
    // Counted before anything is copied: a 200,000-element list is refused without 200,000 entries built.
    const keys = Array.isArray(item.value) ? undefined : Object.keys(item.value);
    values += keys ? keys.length : (item.value as unknown[]).length;
    if (values > limits.values) {
      throw limitError(
        'variables',
        `variables hold more than ${limits.values} values; at most ${limits.values} allowed`,
      );
    }
    pushObjects(stack, item, keys);
  }
}

function pushObjects(stack: Pending[], parent: Pending, keys: string[] | undefined): void {
  const value = parent.value as Record<string, unknown>;
  const count = keys ? keys.length : (parent.value as unknown[]).length;
  for (let i = 0; i < count; i++) {
    const key = keys ? (keys[i] as string) : String(i);
    const child = value[key];
    if (child !== null && typeof child === 'object') {
      stack.push({ value: child, depth: parent.depth + 1, path: pathOf(parent, key) });
    }
  }
}
