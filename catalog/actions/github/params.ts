import { z } from 'zod';

/** How to configure the provider, shown when a GitHub action runs without it. */
export const HOW = 'set GITHUB_TOKEN (or GitHub App credentials) and WARDEN_GITHUB_ORG';

/** A GitHub login: letters, digits and hyphens, not starting with a hyphen, at most 39 characters. */
export const login = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'a GitHub login (letters, digits and hyphens, at most 39 characters, not starting with a hyphen)')
  .describe('GitHub login');

/** A repository as owner/name. */
export const repo = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/, 'a repository as owner/name, e.g. acme/payments')
  .refine((r) => !/\/\.{1,2}$/.test(r), 'a repository name may not be . or ..')
  .describe('repository, owner/name');

/** A deploy key id; templates render numbers as strings, so both are accepted. */
export const keyId = z.union([z.number().int().positive(), z.string().regex(/^[1-9]\d{0,15}$/, 'a deploy key id (digits)')]).describe('deploy key id');

export const loginParams = z.strictObject({ login });
