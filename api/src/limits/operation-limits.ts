/**
 * Depth, breadth and cost of the operation a request runs, checked once before execution (and
 * before graphql-jit compiles it), against the caller's limits (schema/query-limits.ts). Pothos'
 * complexity plugin measures (each field's cost and list multiplier live on the schema); this
 * decides. Its own check ran inside root-field resolvers, so an operation that selects no
 * resolver at all (5,000 aliases of `__typename`) was never checked, and a deep one was compiled
 * first. Every selection counts toward breadth, aliases included: each is answered separately.
 */
import { complexityFromQuery } from '@pothos/plugin-complexity';
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  Kind,
} from 'graphql';

export interface Limits {
  depth: number;
  breadth: number;
  complexity: number;
}

export interface Measured {
  depth: number;
  breadth: number;
  complexity: number;
}

export interface OperationRequest {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  /** Given to fields whose cost depends on the caller. */
  context: object;
}

/** The operation's measures; undefined when its variables do not coerce (execution says why). */
export function measureOperation(request: OperationRequest): Measured | undefined {
  const operation = getOperationAST(request.document, request.operationName);
  if (!operation) {
    return undefined; // no such operation: execution answers with graphql's own message
  }
  const fragments = request.document.definitions.filter(
    (d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION,
  );
  // complexityFromQuery measures a document's first operation: give it the one that runs.
  const single: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] };
  try {
    return complexityFromQuery(single, {
      schema: request.schema,
      ctx: request.context,
      variables: request.variables ?? {},
    });
  } catch (error) {
    if (error instanceof GraphQLError) {
      return undefined;
    }
    throw error;
  }
}

export function tooComplex(measured: Measured, limits: Limits): GraphQLError | undefined {
  const refuse = (limit: keyof Limits, message: string) =>
    // A refusal by policy is a 400 to every client, as the document limits are.
    new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', limit, http: { status: 400 } } });
  if (measured.depth > limits.depth) {
    return refuse('depth', `query is nested ${measured.depth} levels deep; at most ${limits.depth} allowed`);
  }
  if (measured.breadth > limits.breadth) {
    return refuse(
      'breadth',
      `query selects ${measured.breadth} fields (aliases count); at most ${limits.breadth} allowed`,
    );
  }
  if (measured.complexity > limits.complexity) {
    return refuse(
      'complexity',
      `query costs ${measured.complexity}; at most ${limits.complexity} allowed (ask for fewer rows or fields)`,
    );
  }
  return undefined;
}
