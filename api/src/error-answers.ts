/**
 * What an error tells the caller, and nothing more: yoga's masking of unexpected errors (with
 * two fixes below), and no "Did you mean ...?" suggestions. graphql-js appends those to
 * validation and variable errors from the schema's names, so a partner probing with near-miss
 * field, argument or enum names could read the staff-only schema off them (partners get no
 * introspection). They go for everyone: validation results are cached per document, whoever
 * asked first, so a caller-dependent answer would leak through the cache.
 */
import { GraphQLError } from 'graphql';
import { maskError, type Plugin } from 'graphql-yoga';

const SUGGESTION = /\s*Did you mean [\s\S]*\?\s*$/;

/** The error again without graphql-js's suggestion (a copy: validation errors are cached and shared). */
export function withoutSuggestions<T>(error: T): T {
  if (!(error instanceof GraphQLError) || !SUGGESTION.test(error.message)) {
    return error;
  }
  return new GraphQLError(error.message.replace(SUGGESTION, ''), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions },
  }) as T;
}

/** Strips suggestions from validation errors (execution's go through maskErrors). */
export function useNoSuggestions(): Plugin {
  return {
    onValidate() {
      return ({ valid, result, setResult }) => {
        if (!valid) {
          setResult(result.map(withoutSuggestions));
        }
      };
    },
  };
}
/**
 * graphql-jit reports a request's own mistakes (a variable of the wrong type) as GraphQLErrors
 * built on graphql's CommonJS copy, which are not instances of the ESM GraphQLError yoga checks
 * for, so they would be masked as internal. An engine error that wraps no thrown error is the
 * client's and is passed on as one; anything wrapping a thrown error stays masked.
 */
function asClientError(error: unknown): unknown {
  const foreignGraphQLError =
    error instanceof Error &&
    !(error instanceof GraphQLError) &&
    Object.prototype.toString.call(error) === '[object GraphQLError]';
  if (foreignGraphQLError && !(error as { originalError?: unknown }).originalError) {
    const { extensions } = error as { extensions?: Record<string, unknown> };
    return new GraphQLError(error.message, { extensions });
  }
  return error;
}

/**
 * yoga's error masking, without suggestions, and one thing more: a POST body that is not JSON is answered with the
 * JSON parser's own error in `extensions.originalError` even outside development, and that
 * message quotes the body back and names the engine; "POST body sent invalid JSON." says enough.
 * yoga reads that non-GraphQL `originalError` as "answer 400 even to application/json", so the
 * same is said directly: `http.spec` (which lets application/json answers be 200) goes with it.
 */
export function maskErrors(error: unknown, message: string, isDev?: boolean): Error {
  const masked = withoutSuggestions(maskError(asClientError(error), message, isDev));
  const extensions = ((masked instanceof GraphQLError ? masked.extensions : undefined) ?? {}) as Record<
    string,
    unknown
  >;
  if (!isDev && extensions.originalError !== undefined) {
    delete extensions.originalError;
    const http = extensions.http as { spec?: boolean } | undefined;
    delete http?.spec;
  }
  return masked;
}
