/**
 * Attacks through alert content (issue #14, points 11 and 12): a template value that climbs a URL
 * path or splits a header, alert text that mentions, links or formats in Slack and email, and
 * fields that try to choose recipients or channels. Checked at the peers: the HTTP recorder, the
 * fake Slack and the SMTP peer.
 */
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Directory, Person } from '../../contracts/directory.js';
import { incidentStateQuery, stepActionUpdate } from '../../contracts/incident.js';
import { loadPlaybookText } from '../../playbook/load.js';
import { HEADER, alert, playbook, startIncident, startPeers, type Peers, resolveAndClose } from '../helpers/incident.js';
import { suiteClient, withWorker } from '../harness.js';

let client: Client;
let peers: Peers;
beforeAll(async () => {
  client = await suiteClient();
  peers = await startPeers();
}, 60_000);
afterAll(async () => {
  await peers.close();
  await client.connection.close();
});

const dana: Person = { id: 'dana', name: 'Dana', email: 'dana@corp.example', aws: [{ account: '123456789012', userName: 'dana-ml' }], groups: [], roles: [] };
const directory: Directory = { findPerson: (id) => Promise.resolve(id === 'dana' ? dana : undefined), listPeople: () => Promise.resolve([dana]) };

async function runToEnd(yaml: string, a: ReturnType<typeof alert>) {
  return withWorker({ providers: peers.deps, directory }, { name: 'escaping' }, async (w) => {
    const handle = await startIncident(w.client, w.taskQueue, playbook(yaml), a);
    await resolveAndClose(handle);
    return handle.query(incidentStateQuery);
  });
}

describe('template values in a URL and headers', () => {
  it('keeps ../ and %2e%2e/ inside one path segment and CRLF out of a header, as the recorder receives them', async () => {
    const base = peers.http.url;
    const step = (id: string, user: string) => `
    - id: ${id}
      action: http.request
      with:
        method: POST
        url: "${base}/api/users/{{ alert.labels.${user} }}/block?reason={{ alert.title }}"
        headers: { x-reason: "{{ alert.title }}" }`;
    const yaml = `${HEADER}phases:\n  contain:${step('plain', 'a')}${step('encoded', 'b')}${step('dots', 'c')}\n`;
    const title = 'x&admin=1#frag\r\nX-Injected: yes';
    const st = await runToEnd(yaml, alert({ title, labels: { a: '../admin', b: '%2e%2e/admin', c: '..' } }));
    const got = peers.http.requests.filter((r) => r.path.startsWith('/api/'));
    expect(got.map((r) => r.path.split('?')[0])).toEqual(['/api/users/..%2Fadmin/block', '/api/users/%252e%252e%2Fadmin/block']);
    expect(got.every((r) => !r.path.includes('/admin/') && r.path.includes('reason=x%26admin%3D1%23frag%0D%0AX-Injected%3A%20yes'))).toBe(true);
    expect(got.map((r) => r.headers['x-reason'])).toEqual(['x&admin=1#frag  X-Injected: yes', 'x&admin=1#frag  X-Injected: yes']);
    expect(got.every((r) => r.headers['x-injected'] === undefined)).toBe(true);
    // A bare `..` segment is refused before any request: the step fails on its template.
    expect(st.steps.dots).toMatchObject({ status: 'failed', error: { type: 'TemplateError' } });
    expect(st.steps.dots!.error!.message).toContain('may not be the URL path segment');
  });
});

describe('alert text shown in Slack and email', () => {
  it('reaches the fake Slack and the SMTP peer with no live mention, link or markup', async () => {
    const yaml = `${HEADER}phases:
  detect:
    - id: tell
      action: notify.slack
      with: { channel: "#sec-incidents", text: "Alert: {{ alert.title }}" }
    - id: mail
      action: notify.email
      with: { to: [security@example.com], subject: "Alert {{ alert.title }}", text: "Alert: {{ alert.title }}" }
`;
    const title = '<!channel> @here see <https://evil.example/login|the fix> *now* <@U0ADMIN> <b>bold</b>';
    const before = peers.slack.messages.length;
    const mailsBefore = peers.smtp.messages.length;
    await runToEnd(yaml, alert({ title }));
    const [posted] = peers.slack.messages.slice(before);
    expect(posted!.text).not.toMatch(/<!channel>|<@U|<https?:|\bhttps:\/\/|@here\b|\*now\*/);
    expect(posted!.text).toContain('&lt;!channel&gt;');
    const [mail] = peers.smtp.messages.slice(mailsBefore);
    expect(mail!.html).not.toMatch(/<b>|<https?:|href=/);
    expect(mail!.html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(mail!.subject).not.toMatch(/[\r\n]/);
  });
});

describe('recipients and channels chosen by the alert', () => {
  it('refuses a playbook whose to: or channel: reads alert fields', () => {
    const refused = (w: string) => loadPlaybookText('x.yaml', `${HEADER}phases:\n  detect:\n    - id: s\n${w}`);
    const email = refused(`      action: notify.email\n      with: { to: "{{ alert.principal.email }}", subject: s, text: t }\n`);
    const slack = refused(`      action: notify.slack\n      with: { channel: "{{ alert.labels.channel }}", text: t }\n`);
    expect(email.ok).toBe(false);
    expect(slack.ok).toBe(false);
    if (!email.ok) expect(email.problems.map((p) => p.message).join()).toContain('"to" may not read alert.principal.email');
    if (!slack.ok) expect(slack.problems.map((p) => p.message).join()).toContain('"channel" may not read alert.labels.channel');
  });

  it('sends toPerson only to the directory address: an outside address in the alert receives nothing', async () => {
    const yaml = `${HEADER}phases:
  detect:
    - id: owner
      action: notify.email
      with: { toPerson: "{{ alert.principal.email }}", subject: "rotate", text: "Rotate your key." }
    - id: by_aws_user
      action: notify.email
      with: { toPerson: "{{ alert.principal.aws_user }}", subject: "rotate", text: "Rotate your key." }
`;
    const mailsBefore = peers.smtp.messages.length;
    // A live incident never passes off the unsent mail as done: the step stays not applied (no recipient) until a person
    // settles it; being a message, it holds the next step back no longer.
    const st = await withWorker({ providers: peers.deps, directory }, { name: 'escaping' }, async (w) => {
      const handle = await startIncident(w.client, w.taskQueue, playbook(yaml), alert({ principal: { email: 'attacker@evil.example', aws_user: 'dana-ml' } }));
      await expect.poll(async () => (await handle.query(incidentStateQuery)).steps.owner?.status, { timeout: 20_000 }).toBe('not_applied');
      await handle.executeUpdate(stepActionUpdate, { args: [{ stepId: 'owner', action: 'skip', by: 'olga', text: 'the alert named an outside address' }] });
      await expect.poll(async () => (await handle.query(incidentStateQuery)).steps.by_aws_user?.status, { timeout: 20_000 }).toBe('applied');
      return handle.query(incidentStateQuery);
    });
    const mails = peers.smtp.messages.slice(mailsBefore);
    const to = mails.flatMap((m) => (Array.isArray(m.to) ? m.to : [m.to]).flatMap((t) => t?.value.map((v) => v.address) ?? []));
    // The playbook's owners are told the step was not applied; the outside address gets nothing.
    expect(to.filter((a) => a !== 'owners@example.com')).toEqual(['dana@corp.example']);
    expect(st.steps.owner).toMatchObject({ status: 'skipped', notApplied: { reason: 'target-missing' }, output: { delivered: false, reason: 'no-recipient' } });
    expect(st.steps.owner!.plan!.join()).toContain('not a person of the directory');
  });
});
