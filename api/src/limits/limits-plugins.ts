/**
 * The document and operation limits as graphql-yoga plugins: the document's text and the
 * variables as the request's parameters arrive, and the operation's depth,
 * breadth and cost (for the caller's role) after validation and before it is compiled or run,
 * for queries, mutations and subscriptions alike. One refusal, no data, nothing run.
 */
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ApiContext } from '../context.ts';
import { queryLimits } from '../schema/query-limits.ts';
import { DOCUMENT_CACHE_LIMITS, TextKeyedCache } from './document-cache.ts';
import { checkDocumentText, checkVariables, parseWithLimits } from './document-limits.ts';
import { measureOperation, type OperationRequest, tooComplex } from './operation-limits.ts';

/**
 * The document's text is checked as the request's parameters arrive, not inside parse: yoga
 * marks every parse error "spec" (HTTP 200 to application/json clients, as for a syntax error),
 * and a refusal by policy is a 400 to every client. Texts that passed are remembered, so a
 * console repeating its queries pays for a map lookup, not a second lexing. parse keeps the
 * limits too, for any document that arrives another way.
 */
export function useDocumentLimits(): Plugin {
  const passed = new TextKeyedCache<true>(DOCUMENT_CACHE_LIMITS);
  const refusalOf = (query: unknown, variables: unknown): GraphQLError | undefined => {
    try {
      if (typeof query === 'string' && passed.get(query) === undefined) {
        checkDocumentText(query);
        passed.set(query, true);
      }
      checkVariables(variables);
      return undefined;
    } catch (error) {
      if (!(error instanceof GraphQLError)) {
        throw error;
      }
      // A syntax error the lexer met is left to parse, which meets it again and answers it as
      // yoga answers every parse error (400 to application/graphql-response+json clients).
      return error.extensions.code === 'QUERY_TOO_COMPLEX' ? error : undefined;
    }
  };
  return {
    onParams({ params, setResult }) {
      const refused = refusalOf(params.query, params.variables);
      if (refused) {
        setResult({ errors: [refused] });
      }
    },
    onParse({ setParseFn }) {
      setParseFn((source) => parseWithLimits(source));
    },
  };
}

function refusal(request: OperationRequest & { context: ApiContext }): GraphQLError | undefined {
  const measured = measureOperation(request);
  return measured && tooComplex(measured, queryLimits(request.context));
}

export function useOperationLimits(): Plugin {
  const check = (args: {
    schema: OperationRequest['schema'];
    document: OperationRequest['document'];
    operationName?: string | null;
    variableValues?: Record<string, unknown> | null;
    contextValue: unknown;
  }) =>
    refusal({
      schema: args.schema,
      document: args.document,
      operationName: args.operationName,
      variables: args.variableValues,
      context: args.contextValue as ApiContext,
    });
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) {
        setResultAndStopExecution({ errors: [error] });
      }
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) {
        setResultAndStopExecution({ errors: [error] });
      }
    },
  };
}
