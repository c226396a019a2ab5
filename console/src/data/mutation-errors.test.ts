import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../graphql/client.ts';
import { fieldErrors, formFieldOf, unwrapMutation } from './mutation-errors.ts';

describe('typed mutation errors to form field errors', () => {
  it('maps API paths onto the form fields', () => {
    assert.equal(formFieldOf('spec.waves[1].percent'), 'spec.waves.1.percent');
    assert.equal(formFieldOf('metadata.name'), 'name');
    assert.equal(formFieldOf('spec.release'), 'spec.release');
  });

  it('nests issues the way react-admin forms read them, joining two on one field', () => {
    assert.deepEqual(
      fieldErrors([
        { field: 'spec.waves[1].percent', message: 'waves must grow' },
        { field: 'spec.waves[1].percent', message: 'at most 100' },
        { field: 'spec.release', message: 'site release r9 does not exist' },
        { field: 'metadata.name', message: 'must be a DNS label' },
      ]),
      {
        spec: {
          waves: { 1: { percent: 'waves must grow; at most 100' } },
          release: 'site release r9 does not exist',
        },
        name: 'must be a DNS label',
      },
    );
  });

  it('a ValidationError becomes a 400 with field errors and a summary for the notice', () => {
    const issues = [{ field: 'spec.release', message: 'site release r9 does not exist' }];
    assert.throws(
      () => unwrapMutation({ __typename: 'ValidationError', message: 'invalid', issues }, 'StartRollout'),
      (e: ApiError) => {
        assert.equal(e.status, 400);
        assert.deepEqual(e.body, {
          errors: {
            spec: { release: 'site release r9 does not exist' },
            root: { serverError: 'spec.release: site release r9 does not exist' },
          },
        });
        return e instanceof ApiError;
      },
    );
  });

  it('NotFound is a 404 and Conflict a 409, both with their message', () => {
    assert.throws(
      () =>
        unwrapMutation(
          { __typename: 'NotFoundError', message: 'no Site x', kind: 'Site', target: 'ns/x' },
          'DrainSite',
        ),
      { status: 404, message: 'no Site x' },
    );
    assert.throws(
      () =>
        unwrapMutation({ __typename: 'ConflictError', message: 'the site is decommissioned' }, 'DrainSite'),
      { status: 409 },
    );
  });

  it('a success gives its data', () => {
    assert.deepEqual(
      unwrapMutation({ __typename: 'MutationDrainSiteSuccess', data: { id: 'a' } }, 'DrainSite'),
      { id: 'a' },
    );
  });

  it('at most 100 issues are mapped, whatever the API sends', () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ field: `f${i}`, message: 'x' }));
    assert.equal(Object.keys(fieldErrors(many)).length, 100);
  });
});
