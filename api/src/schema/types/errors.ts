/**
 * The errors mutations return as data, so a client can branch on them: a validation failure
 * names each field and what is wrong with it; a missing object names its kind; a conflict says
 * why the request cannot be applied now. Nothing was written in any of these cases.
 */
import { Conflict, type FieldIssue, InvalidInput, NotFound } from '../../writes/write-errors.ts';
import { builder } from '../builder.ts';

const anyCaller = { staff: true, partnerScope: 'sites:read' } as const;

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

/** The error types every mutation may return. */
export const MUTATION_ERRORS = [InvalidInput, NotFound, Conflict];
