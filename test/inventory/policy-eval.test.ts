import { describe, expect, it } from 'vitest';
import { allowedActions, statementsOf } from '../../activities/providers/aws-iam/policy-eval.js';

const BUCKET = 'arn:aws:s3:::train-fraud';
const ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'];

describe("the inventory's IAM policy evaluation (moto has no SimulatePrincipalPolicy)", () => {
  it('an Allow on the bucket, its objects or some of its objects grants; wildcards match actions case-insensitively', () => {
    expect(allowedActions([{ Effect: 'Allow', Action: 'S3:get*', Resource: `${BUCKET}/*` }], ACTIONS, BUCKET)).toEqual(['s3:GetObject']);
    expect(allowedActions([{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::train-*' }], ACTIONS, BUCKET)).toEqual(ACTIONS);
    expect(allowedActions([{ Effect: 'Allow', Action: 's3:PutObject', Resource: `${BUCKET}/raw/*` }], ACTIONS, BUCKET)).toEqual(['s3:PutObject']);
    expect(allowedActions([{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::other-bucket/*' }], ACTIONS, BUCKET)).toEqual([]);
  });

  it('an explicit Deny over the bucket removes the action; a Deny on part of it does not; NotAction and NotResource are honoured', () => {
    const allowAll = { Effect: 'Allow', Action: '*', Resource: '*' };
    expect(allowedActions([allowAll, { Effect: 'Deny', Action: 's3:DeleteObject', Resource: `${BUCKET}/*` }], ACTIONS, BUCKET)).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(allowedActions([allowAll, { Effect: 'Deny', Action: 's3:DeleteObject', Resource: `${BUCKET}/raw/*` }], ACTIONS, BUCKET)).toEqual(ACTIONS);
    expect(allowedActions([{ Effect: 'Allow', NotAction: 's3:Delete*', Resource: '*' }], ACTIONS, BUCKET)).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(allowedActions([{ Effect: 'Allow', Action: 's3:*', NotResource: `${BUCKET}/*` }], ACTIONS, BUCKET)).toEqual([]);
  });

  it('reads documents as IAM returns them: URL-encoded JSON, one statement or a list', () => {
    const doc = { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' } };
    expect(statementsOf(encodeURIComponent(JSON.stringify(doc)))).toEqual([doc.Statement]);
    expect(statementsOf(JSON.stringify({ Statement: [doc.Statement, doc.Statement] }))).toHaveLength(2);
    expect(statementsOf(undefined)).toEqual([]);
  });
});
