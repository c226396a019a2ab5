/**
 * react-admin's DataProvider over the fleet's GraphQL API, hand-written (it is less code than
 * ra-data-graphql's introspection, which partners are refused anyway): page/perPage/sort/filter
 * onto Relay connections (`first`/`after`, `totalCount`) through the cursor pager, `getOne`
 * through `node(id:)`, creates and actions through the typed-error mutations, refusals mapped
 * onto form fields. A role that may not use a resource is refused here before any request.
 */
import type { Session } from '../auth/session.ts';
import { ApiError, type GraphqlClient, type OperationName } from '../graphql/client.ts';
import { CursorPager, MAX_PAGE_SIZE, type PageSource } from './cursor-pager.ts';
import { type MutationResult, unwrapMutation } from './mutation-errors.ts';
import { RESOURCES, type ResourceSpec } from './resources.ts';

type RaRecord = { id: string; [field: string]: unknown };

interface Connection {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor?: string; node: RaRecord }[];
}

export interface ListParams {
  pagination?: { page: number; perPage: number };
  sort?: { field: string; order: string };
  filter?: Record<string, unknown>;
}

/** A connection as react-admin wants a list: the rows and how many match over all pages. */
export function connectionToList(connection: Connection): { data: RaRecord[]; total: number } {
  return { data: connection.edges.map((e) => e.node), total: connection.totalCount };
}

function specOf(resource: string): ResourceSpec {
  const spec = RESOURCES[resource];
  if (!spec) {
    throw new ApiError(`the console has no resource ${resource.slice(0, 40)}`, 404);
  }
  return spec;
}

function operationFor(
  session: Session | undefined,
  choice: { staff: OperationName; partner?: OperationName },
) {
  if (session?.kind !== 'partner') {
    return choice.staff;
  }
  if (!choice.partner) {
    throw new ApiError('not available with a partner API key', 403);
  }
  return choice.partner;
}

const unsupported = (what: string) => () =>
  Promise.reject(new ApiError(`${what} is not something the console does`, 405));

export function fleetDataProvider(client: GraphqlClient, session: () => Session | undefined) {
  const pager = new CursorPager();

  const pageSource = (
    resource: string,
    spec: ResourceSpec,
    vars: Record<string, unknown>,
  ): PageSource<RaRecord> => {
    const listOperation = operationFor(session(), spec.list);
    const read = async (name: OperationName, args: Record<string, unknown>) => {
      const answer = await client.run<Record<string, Connection>>(name, { ...vars, ...args });
      const connection = answer[spec.list.connection];
      if (!connection) {
        throw new ApiError(`the API's answer for ${resource} has no ${spec.list.connection}`, 500);
      }
      return connection;
    };
    return {
      async page(args) {
        const connection = await read(listOperation, args);
        return {
          rows: connection.edges.map((e) => e.node),
          totalCount: connection.totalCount,
          endCursor: connection.pageInfo.endCursor,
          hasNextPage: connection.pageInfo.hasNextPage,
        };
      },
      async skip(args) {
        const connection = await read(
          spec.cursor ? operationFor(session(), spec.cursor) : listOperation,
          args,
        );
        return { endCursor: connection.pageInfo.endCursor, totalCount: connection.totalCount };
      },
    };
  };

  const getList = async (resource: string, params: ListParams) => {
    const spec = specOf(resource);
    const filter = params.filter ?? {};
    const vars = {
      ...(spec.variables?.(filter) ?? {}),
      ...(spec.sort ? { sort: spec.sort(params.sort) } : {}),
    };
    const pagination = params.pagination ?? { page: 1, perPage: 25 };
    const key = JSON.stringify([resource, session()?.kind, vars, pagination.perPage]);
    return pager.getPage(key, pageSource(resource, spec, vars), {
      page: pagination.page,
      perPage: Math.min(pagination.perPage, MAX_PAGE_SIZE),
    });
  };

  const getOne = async (resource: string, params: { id: string | number }) => {
    const spec = specOf(resource);
    if (!spec.one) {
      throw new ApiError(`${resource} are listed, not opened one by one`, 405);
    }
    const answer = await client.run<{ node: RaRecord | null }>(operationFor(session(), spec.one), {
      id: String(params.id),
    });
    if (!answer.node) {
      throw new ApiError(`no such ${resource.replace(/s$/, '')}, or not one you may see`, 404);
    }
    return { data: answer.node };
  };

  const mutate = async <T>(name: OperationName, field: string, variables: Record<string, unknown>) => {
    const answer = await client.run<Record<string, MutationResult>>(name, variables);
    return unwrapMutation<T>(answer[field], name);
  };

  const rolloutAction =
    (action: 'pause' | 'resume' | 'abort') => (record: { namespace: string; name: string }) => {
      const name = `${action.charAt(0).toUpperCase()}${action.slice(1)}Rollout` as OperationName;
      return mutate<RaRecord>(name, `${action}Rollout`, { namespace: record.namespace, name: record.name });
    };

  return {
    getList,
    getOne,
    async getMany(resource: string, params: { ids: (string | number)[] }) {
      const data = await Promise.all(
        params.ids.slice(0, 100).map(async (id) => (await getOne(resource, { id })).data),
      );
      return { data };
    },
    async getManyReference(resource: string, params: ListParams & { target: string; id: string | number }) {
      return getList(resource, {
        ...params,
        filter: { ...params.filter, [params.target]: [String(params.id)] },
      });
    },
    async create(resource: string, params: { data: Record<string, unknown> }) {
      const { namespace, name, spec, ...rest } = params.data as {
        namespace: string;
        name: string;
        spec: unknown;
      };
      if (resource === 'rollouts') {
        return { data: await mutate<RaRecord>('StartRollout', 'startRollout', { namespace, name, spec }) };
      }
      if (resource === 'releases') {
        return { data: await mutate<RaRecord>('CreateRelease', 'createRelease', { namespace, name, spec }) };
      }
      if (resource === 'apiKeys') {
        const created = await mutate<{ key: string; apiKey: Record<string, unknown> }>(
          'CreatePartnerApiKey',
          'createPartnerApiKey',
          rest,
        );
        return { data: { ...created.apiKey, id: String(created.apiKey.keyId), key: created.key } };
      }
      throw new ApiError(`${resource} are not created from the console`, 405);
    },
    async delete(resource: string, params: { id: string | number }) {
      if (resource !== 'apiKeys') {
        throw new ApiError(`${resource} are not deleted from the console`, 405);
      }
      const revoked = await mutate<RaRecord & { keyId: string }>(
        'RevokePartnerApiKey',
        'revokePartnerApiKey',
        {
          keyId: String(params.id),
        },
      );
      return { data: { ...revoked, id: revoked.keyId } };
    },
    update: unsupported('editing a record in place'),
    updateMany: unsupported('editing several records'),
    deleteMany: unsupported('deleting several records'),

    /** Drains each site; the answers are in the same order, refusals included (not thrown). */
    drainSites(records: readonly { namespace: string; name: string }[]) {
      return Promise.allSettled(
        records
          .slice(0, MAX_PAGE_SIZE)
          .map((r) => mutate<RaRecord>('DrainSite', 'drainSite', { namespace: r.namespace, name: r.name })),
      );
    },
    pauseRollout: rolloutAction('pause'),
    resumeRollout: rolloutAction('resume'),
    abortRollout: rolloutAction('abort'),
    acknowledgeAlert(alertId: string) {
      return mutate<RaRecord>('AcknowledgeAlert', 'acknowledgeAlert', { alertId });
    },
    async apiKeys(tenant: string) {
      const answer = await client.run<{ apiKeys: Record<string, unknown>[] }>('ApiKeys', { tenant });
      return answer.apiKeys.map((k) => ({ ...k, id: String(k.keyId) }));
    },
    /** Any other named operation (the dashboard's summary, series and map points). */
    run<T>(name: OperationName, variables?: Record<string, unknown>) {
      return client.run<T>(name, variables);
    },
    /** Called on sign-out: cursors belong to what the last caller could see. */
    reset() {
      pager.clear();
    },
  };
}

export type FleetDataProvider = ReturnType<typeof fleetDataProvider>;
