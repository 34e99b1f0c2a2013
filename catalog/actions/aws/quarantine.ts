import { outcomeOf } from '../../provider-change.js';
import { defineAction } from '../../types.js';
import { awsIam, userOnly } from './params.js';

/** Attaches the deny-all WardenQuarantine policy to a user (creating it if missing); undo detaches it. */
export const awsQuarantinePrincipal = defineAction({
  name: 'aws.quarantinePrincipal',
  title: 'Quarantine AWS principal',
  kind: 'change',
  destructive: true,
  params: userOnly,
  describe: (p) => [`attach the deny-all policy WardenQuarantine to IAM user ${p.userName}`],
  undo: { action: 'aws.releaseQuarantine', with: { userName: '{{ self.params.userName }}', account: '{{ self.params.account }}' } },
  async run(p, ctx, dryRun) {
    return outcomeOf(await (await awsIam(ctx.deps, p.account)).setQuarantine({ ...p, quarantined: true, dryRun }), dryRun);
  },
});

/** Detaches the policy WardenQuarantine (the undo of aws.quarantinePrincipal). */
export const awsReleaseQuarantine = defineAction({
  name: 'aws.releaseQuarantine',
  title: 'Release AWS quarantine',
  kind: 'change',
  destructive: false,
  params: userOnly,
  describe: (p) => [`detach the policy WardenQuarantine from IAM user ${p.userName}`],
  async run(p, ctx, dryRun) {
    return outcomeOf(await (await awsIam(ctx.deps, p.account)).setQuarantine({ ...p, quarantined: false, dryRun }), dryRun);
  },
});
