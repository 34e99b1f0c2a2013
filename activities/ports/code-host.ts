import type { ChangeResult } from './change.js';

/** A change aimed at one account of the organization. */
export interface AccountChange {
  /** The account's login on the code host. */
  readonly login: string;
  /** Work out the plan from the real state and change nothing. */
  readonly dryRun: boolean;
}

/** A change aimed at one account's access to one repository (`owner/name`). */
export interface RepositoryAccessChange extends AccountChange {
  readonly repo: string;
}

/** A change aimed at one account's membership of one team (by slug). */
export interface TeamChange extends AccountChange {
  readonly team: string;
}

export interface DeployKeyChange {
  readonly repo: string;
  readonly keyId: number;
  readonly dryRun: boolean;
}

export interface InvitationChange extends AccountChange {
  /** Also cancel invitations sent to this address (an invitation by email has no login yet). */
  readonly email?: string;
}

/** Who holds what in the organization, as read at one moment. */
export interface Entitlements {
  readonly org: string;
  readonly members: readonly { readonly login: string; readonly role: 'admin' | 'member' }[];
  readonly teams: readonly { readonly slug: string; readonly name: string; readonly members: readonly string[] }[];
  readonly outsideCollaborators: readonly string[];
  /** Direct collaborators only: access through teams or the base permission is not listed here. */
  readonly repositories: readonly {
    readonly repo: string;
    readonly collaborators: readonly { readonly login: string; readonly permission: string }[];
  }[];
  readonly invitations: readonly { readonly id: number; readonly login: string | null; readonly email: string | null; readonly role: string }[];
  /** Fine-grained token grants; null when the credentials may not read them (see `unavailable`). */
  readonly patGrants: readonly { readonly id: number; readonly owner: string; readonly tokenName: string; readonly expiresAt: string | null }[] | null;
  /** Sections that could not be read, each with the reason. */
  readonly unavailable: readonly string[];
}

/**
 * A code host (GitHub first): organization membership, repository access and the credentials
 * people hold against the organization. Every change is idempotent: it reads the current state,
 * acts only on what is still there, and reports `changed: false` when nothing was left to do.
 * A dry run returns the same plan the real run would carry out, and changes nothing.
 * None of these changes can be undone by the code host: access comes back only through a new
 * invitation or grant.
 */
export interface CodeHost {
  readonly kind: 'github';
  /** The one organization it governs. */
  readonly org: string;
  /** Removes the account from the organization (and so from its teams); a pending membership is cancelled. */
  removeOrgMember(input: AccountChange): Promise<ChangeResult>;
  /** Removes an outside collaborator from every repository of the organization. */
  removeOutsideCollaborator(input: AccountChange): Promise<ChangeResult>;
  /** Revokes the fine-grained token grants the account holds on the organization (all, or those of `grantIds`); output.grantIds. */
  revokePatGrants(input: AccountChange & { readonly grantIds?: readonly number[] }): Promise<ChangeResult>;
  /** Removes the account's single sign-on credential authorizations; output.credentialIds. */
  removeSsoAuthorizations(input: AccountChange): Promise<ChangeResult>;
  /** Removes the account from one team of the organization (it stays a member of the organization). */
  removeTeamMember(input: TeamChange): Promise<ChangeResult>;
  /** Removes the account's direct access to one repository; after reports any access left through teams. */
  removeRepoCollaborator(input: RepositoryAccessChange): Promise<ChangeResult>;
  /** Deletes one deploy key of a repository. */
  deleteDeployKey(input: DeployKeyChange): Promise<ChangeResult>;
  /** Cancels pending organization invitations for the login (or the email); output.invitationIds. */
  cancelInvitations(input: InvitationChange): Promise<ChangeResult>;
  /** Reads members, teams, outside and direct repository collaborators, invitations and token grants. No side effects. */
  listEntitlements(): Promise<Entitlements>;
  /** The same without the repositories, for reading a large organization in batches. No side effects. */
  listOrgEntitlements(): Promise<Omit<Entitlements, 'repositories'>>;
  /** The members and their role. No side effects. */
  listMembers(): Promise<Entitlements['members']>;
  /** One page (1-based) of repositories with their direct collaborators; `nextPage` while more remain. No side effects. */
  listRepositoryPage(input: { page: number; perPage: number }): Promise<{ repositories: Entitlements['repositories']; nextPage?: number }>;
}
