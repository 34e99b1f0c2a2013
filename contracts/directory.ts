/** One IAM user a person holds in one AWS account. */
export interface AwsAccountUser {
  /** The account id (12 digits) or its alias, as the directory names it. */
  readonly account: string;
  readonly userName: string;
}

/**
 * A person as the directory knows them: who they are, who they report to, and the accounts they
 * hold at each provider. Plain data: it crosses into workflow inputs and histories.
 */
export interface Person {
  /** The directory's stable id (also the offboarding's business id). */
  readonly id: string;
  readonly name: string;
  readonly email: string;
  /** The manager's person id. */
  readonly manager?: string;
  readonly slackUserId?: string;
  readonly githubLogin?: string;
  readonly aws: readonly AwsAccountUser[];
  readonly mlflowUser?: string;
  readonly groups: readonly string[];
  readonly roles: readonly string[];
}

/**
 * Who works here: the configuration's `people:` list first; an identity-provider source (SCIM
 * from Okta or Entra) can implement the same port later. Reads only, no side effects.
 */
export interface Directory {
  /** The person with this id, or undefined when the directory does not know them. */
  findPerson(id: string): Promise<Person | undefined>;
  /** Everyone, in the directory's order. */
  listPeople(): Promise<Person[]>;
}

/** A person id: also part of workflow ids (`offboarding-<id>`) and evidence keys. */
export const PERSON_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
