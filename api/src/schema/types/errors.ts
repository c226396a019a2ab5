/**
 * The errors mutations return as data, so a client can branch on them: a validation failure
 * names each field and what is wrong with it; a missing object names its kind; a conflict says
 * why the request cannot be applied now. Nothing was written in any of these cases.
 */
import {
  Conflict,
  type FieldIssue,
  InvalidInput,
  NotConfigured,
  NotFound,
} from '../../writes/write-errors.ts';
import { builder } from '../builder.ts';

/**
 * An error is only ever the answer of a root field that passed its own check, and says nothing
 * beyond what that field refused: any partner may read it (a key with only
 * `entitlements:issue` must see why its request was refused).
 */
const anyCaller = { staff: true, partner: true } as const;

export const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  description: 'A request that was refused; nothing was changed.',
  fields: (t) => ({ message: t.exposeString('message') }),
});

const FieldIssueRef = builder.objectRef<FieldIssue>('FieldIssue').implement({
  description: 'One thing wrong with the input: the field (a dotted path) and what is wrong.',
  authScopes: anyCaller,
  fields: (t) => ({
    field: t.exposeString('field'),
    message: t.exposeString('message'),
  }),
});

builder.objectType(InvalidInput, {
  name: 'ValidationError',
  description:
    'The input breaks the fleet rules (the same rules the inventory loader and the webhook apply).',
  interfaces: [ErrorInterface],
  authScopes: anyCaller,
  fields: (t) => ({ issues: t.field({ type: [FieldIssueRef], resolve: (e) => e.issues }) }),
});

builder.objectType(NotFound, {
  name: 'NotFoundError',
  interfaces: [ErrorInterface],
  authScopes: anyCaller,
  fields: (t) => ({
    kind: t.exposeString('kind'),
    target: t.exposeString('target', { description: 'namespace/name, or the id asked for.' }),
  }),
});

builder.objectType(Conflict, {
  name: 'ConflictError',
  description: 'The object exists, changed meanwhile, or is in a state that refuses the request.',
  interfaces: [ErrorInterface],
  authScopes: anyCaller,
  fields: () => ({}),
});

builder.objectType(NotConfigured, {
  name: 'NotConfiguredError',
  description: 'This API was started without what the request needs; ask its operators to configure it.',
  interfaces: [ErrorInterface],
  authScopes: anyCaller,
  fields: (t) => ({
    feature: t.exposeString('feature', { description: 'What is not configured, e.g. entitlements.' }),
  }),
});

/** The error types every mutation may return. */
export const MUTATION_ERRORS = [InvalidInput, NotFound, Conflict];
