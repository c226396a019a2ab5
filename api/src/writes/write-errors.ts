/**
 * What a write can fail with, as values the schema turns into typed GraphQL errors a client
 * branches on (`... on ValidationError { issues { field message } }`). Anything else is an
 * internal error and is masked before it reaches the client.
 */
export interface FieldIssue {
  /** Dotted path from the mutation's input, e.g. `spec.streaming.egressBudgetMbps`. */
  field: string;
  message: string;
}

export class InvalidInput extends Error {
  readonly issues: FieldIssue[];
  constructor(issues: FieldIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '));
    this.name = 'InvalidInput';
    this.issues = issues;
  }
}

export class NotFound extends Error {
  readonly kind: string;
  readonly target: string;
  constructor(kind: string, target: string) {
    super(`${kind} ${target} does not exist`);
    this.name = 'NotFound';
    this.kind = kind;
    this.target = target;
  }
}

/** This API was started without a part the request needs (e.g. no entitlement signing key). */
export class NotConfigured extends Error {
  /** What is missing, e.g. `entitlements`. */
  readonly feature: string;
  constructor(feature: string, message: string) {
    super(message);
    this.name = 'NotConfigured';
    this.feature = feature;
  }
}

/** The object exists or changed meanwhile, or is in a state that refuses the request. */
export class Conflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Conflict';
  }
}
