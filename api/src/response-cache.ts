/**
 * Answers a read again without running it when nothing it could depend on has changed: same
 * document, variables and caller class, same view version. Exact, not time-based: the view's
 * version moves on every change the hub reports (any kind), so a cached answer is never stale,
 * and a client's own write (which waits for the view) is always seen. It pays off where many
 * consoles poll the same pages; under constant change it simply misses. Queries that read data
 * the view does not version (telemetry series: range queries to Prometheus up to now) are never
 * cached, nor are answers with errors. Latest telemetry is versioned: each pull that changes it
 * moves the view's version. An answer a resolver built from data behind the view (a coalesced
 * fleet summary, see ApiContext.readBehindView) is not kept either.
 */
import { type DocumentNode, Kind, OperationTypeNode, print } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Principal } from './auth/principal.ts';

const UNVERSIONED_FIELDS = /\b(telemetrySeries|regionSeries|apiKeys)\b/;
export const RESPONSE_CACHE_ENTRIES = 2000;

interface Entry {
  version: number;
  result: unknown;
}

/** Callers who see the same answers: staff by role, partners by tenant and scopes. */
export function callerClass(p: Principal): string {
  return p.kind === 'staff' ? `staff:${p.role}` : `partner:${p.tenant}:${[...p.scopes].sort().join(',')}`;
}

function isQuery(document: DocumentNode, operationName: string | null | undefined): boolean {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation =
    operations.find((o) => !operationName || o.name?.value === operationName) ?? operations[0];
  return operation?.kind === Kind.OPERATION_DEFINITION && operation.operation === OperationTypeNode.QUERY;
}

export interface ResponseCacheOptions {
  /** The version of everything a query can read; changes whenever any of it does. */
  version: () => number;
  maxEntries?: number;
}

export function useResponseCache(options: ResponseCacheOptions): Plugin<{ principal?: Principal }> {
  const entries = new Map<string, Entry>();
  const texts = new WeakMap<DocumentNode, string>();
  const max = options.maxEntries ?? RESPONSE_CACHE_ENTRIES;
  const keyOf = (
    document: DocumentNode,
    principal: Principal,
    operationName?: string | null,
    variables?: unknown,
  ) => {
    let text = texts.get(document);
    if (text === undefined) {
      text = isQuery(document, operationName) ? print(document) : '';
      texts.set(document, text);
    }
    if (text === '' || UNVERSIONED_FIELDS.test(text)) {
      return undefined;
    }
    return `${callerClass(principal)}\n${operationName ?? ''}\n${JSON.stringify(variables ?? {})}\n${text}`;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const principal = (args.contextValue as { principal?: Principal }).principal;
      const key = principal && keyOf(args.document, principal, args.operationName, args.variableValues);
      if (!key) {
        return;
      }
      const version = options.version();
      const hit = entries.get(key);
      if (hit && hit.version === version) {
        setResultAndStopExecution(hit.result as never);
        return;
      }
      return {
        onExecuteDone({ result }) {
          const single = result as { errors?: unknown[] };
          const behind = (args.contextValue as { readBehindView?: boolean }).readBehindView === true;
          if (behind || Symbol.asyncIterator in (result as object) || (single.errors?.length ?? 0) > 0) {
            return;
          }
          entries.delete(key);
          if (entries.size >= max) {
            entries.delete(entries.keys().next().value as string); // the oldest entry
          }
          entries.set(key, { version, result });
        },
      };
    },
  };
}
