import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'vitest';
import { createGitHubCodeHost } from '../../../activities/providers/github/github-code-host.js';
import type { CodeHost } from '../../../activities/ports.js';
import { startFakeGitHub, type FakeGitHub, type FakeGitHubState } from '../../peers/fake-github.js';

export const ORG = 'acme-corp';
export const token = `ghp_${randomBytes(18).toString('hex')}`;
export const readOnlyToken = `ghp_${randomBytes(18).toString('hex')}`;

const keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } });
/** A GitHub App as GitHub hands it out: a numeric id, a PKCS#1 private key, an installation on the org. */
export const app = { appId: '424242', privateKey: keys.privateKey, installationId: '77' };

/** The organization every test starts from: two members with a team, an outside collaborator, keys, invitations, grants and SSO authorizations. */
export function seed(): FakeGitHubState {
  return {
    members: { 'warden-admin': 'admin', mallory: 'member', alice: 'member' },
    teams: [
      { slug: 'payments', name: 'Payments', members: ['mallory', 'alice'] },
      { slug: 'platform', name: 'Platform', members: ['alice'] },
    ],
    repos: {
      payments: {
        collaborators: { mallory: 'write', 'ext-bob': 'read' },
        deployKeys: [
          { id: 501, title: 'ci deploy', readOnly: false },
          { id: 502, title: 'mirror', readOnly: true },
        ],
      },
      website: { collaborators: { 'ext-bob': 'triage' }, deployKeys: [] },
    },
    invitations: [
      { id: 9001, login: 'mallory-alt', email: null, role: 'direct_member' },
      { id: 9002, login: null, email: 'mallory@example.com', role: 'admin' },
      { id: 9003, login: 'carol', email: null, role: 'direct_member' },
    ],
    patGrants: [
      { id: 301, owner: 'mallory', tokenName: 'laptop' },
      { id: 302, owner: 'mallory', tokenName: 'ci' },
      { id: 303, owner: 'alice', tokenName: 'scripts' },
    ],
    credentialAuthorizations: [
      { credentialId: 701, login: 'mallory', type: 'personal access token' },
      { credentialId: 702, login: 'mallory', type: 'SSH key' },
      { credentialId: 703, login: 'alice', type: 'personal access token' },
    ],
  };
}

/** A fake GitHub for the org, knowing the full token, the read-only token and the App. */
export function startGitHub(state: FakeGitHubState = seed()): Promise<FakeGitHub> {
  const publicKeyPem = keys.publicKey;
  return startFakeGitHub({ org: ORG, token, readOnlyToken, app: { appId: app.appId, installationId: app.installationId, publicKeyPem }, seed: state });
}

/** The real adapter on the fake, with retry waits shortened (GitHub's seconds become 10 ms). */
export function codeHost(gh: FakeGitHub, auth: { token: string } | { app: typeof app } = { token }): CodeHost {
  return createGitHubCodeHost({ org: ORG, baseUrl: gh.baseUrl, retryBaseMs: 10, ...auth });
}

/** The ApplicationFailure a call failed with. */
export async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  }
  throw new Error('expected the call to fail');
}
