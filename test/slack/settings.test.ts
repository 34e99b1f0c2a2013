import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/config.js';
import { TEST_SIGNER } from '../helpers/decisions.js';
import { createSlackApp, SLACK_EVENTS_PATH } from '../../slack/app.js';
import { loadSlackAppSettings } from '../../config/slack.js';

describe('Slack app settings and modes', () => {
  it('is off without SLACK_SIGNING_SECRET, on with it and SLACK_BOT_TOKEN, and Socket Mode with SLACK_APP_TOKEN', () => {
    expect(loadSlackAppSettings({ SLACK_BOT_TOKEN: 'xoxb-1' })).toBeUndefined();
    expect(loadSlackAppSettings({ SLACK_SIGNING_SECRET: '', SLACK_BOT_TOKEN: 'xoxb-1' })).toBeUndefined();
    expect(loadSlackAppSettings({ SLACK_SIGNING_SECRET: 's3cret', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_API_URL: 'http://127.0.0.1:9/api/' })).toEqual({
      signingSecret: 's3cret',
      botToken: 'xoxb-1',
      apiUrl: 'http://127.0.0.1:9/api/',
    });
    expect(loadSlackAppSettings({ SLACK_SIGNING_SECRET: 's3cret', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' })).toMatchObject({ appToken: 'xapp-1' });
  });

  it('half a configuration is an error that names what is missing', () => {
    const problems = (env: NodeJS.ProcessEnv) => {
      try {
        loadSlackAppSettings(env);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).problems;
      }
      return [];
    };
    expect(problems({ SLACK_SIGNING_SECRET: 's3cret' })).toEqual([expect.stringMatching(/^SLACK_BOT_TOKEN: required/)]);
    expect(problems({ SLACK_APP_TOKEN: 'xapp-1', SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual([expect.stringMatching(/^SLACK_SIGNING_SECRET: required/)]);
    expect(problems({ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-wrong' })).toEqual([expect.stringMatching(/^SLACK_APP_TOKEN: must be an app-level token/)]);
  });

  it('HTTP mode exposes POST /slack/events; Socket Mode exposes no route (nothing connects until start)', () => {
    const base = {
      signingSecret: 's3cret',
      botToken: 'xoxb-1',
      apiUrl: 'http://127.0.0.1:9/api/',
      client: {} as Client,
      signer: TEST_SIGNER,
      identities: [],
      matchByEmail: false,
      teamId: 'T0WARDEN',
      log: () => undefined,
    };
    const http = createSlackApp(base);
    expect(http.mode).toBe('http');
    expect(http.routes.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${SLACK_EVENTS_PATH}`]);
    const socket = createSlackApp({ ...base, appToken: 'xapp-1' });
    expect(socket.mode).toBe('socket');
    expect(socket.routes).toEqual([]);
    expect(socket.notice).toMatch(/Socket Mode/);
  });
});
