import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cleanEnv, spawnCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { SUITE_ENV } from '../helpers/suite-env.js';
import { motoClient, startMoto, type MotoPeer } from '../peers/moto.js';

const temporalCli = process.env[SUITE_ENV.temporalCli];
const MOTO_EXAMPLE = fileURLToPath(new URL('../../examples/alerts/leaked-key-moto.json', import.meta.url));
/** Distinctive, so that the test can tell it never reaches the output. */
const AWS_SECRET = 'moto-secret-never-printed-7c1e';

/** What README's "Connect providers" does with curl: an IAM query call moto routes by the signature's service. */
async function motoIam(endpoint: string, params: Record<string, string>): Promise<string> {
  const res = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0' },
    body: new URLSearchParams({ ...params, Version: '2010-05-08' }).toString(),
  });
  expect(res.status).toBe(200);
  return res.text();
}

describe.skipIf(!temporalCli)('warden start: progress, config and providers; the moto walk-through of README', () => {
  let moto: MotoPeer;
  let warden: ReturnType<typeof spawnCli>;
  let env: NodeJS.ProcessEnv;
  let configFile: string;

  beforeAll(async () => {
    assertBuilt();
    moto = await startMoto();
    const dir = mkdtempSync(join(tmpdir(), 'warden-first-hour-'));
    configFile = join(dir, 'warden.yaml');
    writeFileSync(configFile, '# the first hour\nidentities: []\n');
    env = cleanEnv({
      TEMPORAL_CLI_PATH: temporalCli!,
      WARDEN_STATE_DIR: join(dir, 'state'),
      WARDEN_CONFIG: configFile,
      WARDEN_HTTP_PORT: String(await freePort()),
      WARDEN_TEMPORAL_PORT: String(await freePort()),
      WARDEN_TEMPORAL_UI_PORT: String(await freePort()),
      AWS_ENDPOINT_URL_IAM: moto.endpoint,
      AWS_ENDPOINT_URL_STS: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIAMOTOTESTKEY00000',
      AWS_SECRET_ACCESS_KEY: AWS_SECRET,
      AWS_REGION: 'us-east-1',
    });
    warden = spawnCli(['start'], env);
    const deadline = Date.now() + 150_000;
    while (!warden.output().stderr.includes('ready. Ctrl-C stops it.')) {
      if (warden.output().code !== null) throw new Error(`warden start exited:\n${warden.output().stderr}`);
      if (Date.now() > deadline) throw new Error(`warden start was not ready within 150 s:\n${warden.output().stderr}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 160_000);

  afterAll(async () => {
    warden?.kill('SIGTERM');
    await warden?.done;
    await moto?.stop();
  }, 60_000);

  it('prints progress in order, the config file with its digest, and each provider live or not configured; no bundler INFO lines, no secret', () => {
    const err = warden.output().stderr;
    const sha = createHash('sha256').update(readFileSync(configFile)).digest('hex');
    const order = [
      `warden: config: ${configFile} (sha256 ${sha})`,
      'warden: starting Temporal…',
      `warden: Temporal ready at 127.0.0.1:${env.WARDEN_TEMPORAL_PORT}`,
      'warden: bundling workflows…',
      'warden: worker ready: polling task queue "warden"',
      `warden: provider aws iam: live, region us-east-1, iam ${moto.endpoint}, sts ${moto.endpoint}, account 123456789012`,
      'warden: provider github: not configured',
      'warden: provider model registry: not configured (MLFLOW_TRACKING_URI)',
      `warden: server listening on http://127.0.0.1:${env.WARDEN_HTTP_PORT}`,
      'warden: ready. Ctrl-C stops it.',
    ];
    const at = order.map((line) => err.indexOf(line));
    expect(at.filter((i) => i < 0).length, `missing lines in:\n${err}`).toBe(0);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    // Temporal's bundler and worker-state lines are debug-level now (WARDEN_LOG_LEVEL=debug shows them).
    expect(err).not.toMatch(/\[INFO\]|Workflow bundle created|asset workflow-bundle|Worker state changed/);
    expect(err).not.toContain(AWS_SECRET);
  });

  it('SIGHUP reloads warden.yaml and logs its new digest; a broken file is refused and the old one stays', async () => {
    const next = '# the first hour, edited\nidentities: []\npeople:\n  - id: dana\n    name: Dana\n    email: dana@example.com\n';
    writeFileSync(configFile, next);
    warden.kill('SIGHUP');
    const digest = createHash('sha256').update(next).digest('hex');
    await expect.poll(() => warden.output().stderr, { timeout: 10_000 }).toContain(`warden: config reloaded: ${configFile} (sha256 ${digest}): 1 identities, 1 people`);
    writeFileSync(configFile, 'people: [ { id: 7 } ]\n');
    warden.kill('SIGHUP');
    await expect.poll(() => warden.output().stderr, { timeout: 10_000 }).toContain(`warden: config not reloaded, the previous ${configFile} stays in effect:\n  - ${configFile}: people.0`);
    expect(warden.output().code).toBeNull();
    const shown = await spawnCli(['config', 'show'], env).done;
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ filePath: configFile, fileSha256: digest, file: { people: [{ id: 'dana' }] } });
    writeFileSync(configFile, next);
  });

  it('README "Connect providers": the seeded moto creates the example key, and the example alert disables it at moto', async () => {
    await moto.seedRandom(42);
    expect(await motoIam(moto.endpoint, { Action: 'CreateUser', UserName: 'dana-ml' })).toContain('<UserName>dana-ml</UserName>');
    const created = await motoIam(moto.endpoint, { Action: 'CreateAccessKey', UserName: 'dana-ml' });
    const keyId = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(created)?.[1];
    const example = JSON.parse(readFileSync(MOTO_EXAMPLE, 'utf8')) as { principal: { aws_access_key_id: string } };
    expect(keyId).toBe(example.principal.aws_access_key_id);

    const sent = await spawnCli(['alert', 'send', MOTO_EXAMPLE], env).done;
    expect(sent.code, sent.stderr).toBe(0);
    const id = /^incident (inc-[0-9a-f]+) \(leaked-credential\)/.exec(sent.stdout)?.[1];
    expect(id, sent.stdout).toBeDefined();
    // No Slack in this walk-through: the announce step is not applied, and that holds nothing back:
    // the key is disabled with nobody acting. A person then settles the announcement.
    const show = async (): Promise<{ steps: Record<string, { status: string }> }> => JSON.parse((await spawnCli(['incidents', 'show', id!, '--json'], env).done).stdout || '{"steps":{}}') as never;
    const iam = motoClient(moto.endpoint);
    await expect.poll(async () => (await iam.send(new ListAccessKeysCommand({ UserName: 'dana-ml' }))).AccessKeyMetadata?.[0]?.Status, { timeout: 60_000, interval: 1000 }).toBe('Inactive');
    await expect.poll(async () => (await show()).steps.disable_key?.status, { timeout: 20_000, interval: 1000 }).toBe('applied');
    expect((await show()).steps.announce?.status).toBe('not_applied');
    const skipped = await spawnCli(['incidents', 'step', id!, 'announce', '--skip', 'no Slack in the moto walk-through'], env).done;
    expect(skipped.code, skipped.stderr).toBe(0);
    await expect.poll(async () => (await show()).steps.announce?.status, { timeout: 20_000, interval: 1000 }).toBe('skipped');
  }, 150_000);
});
