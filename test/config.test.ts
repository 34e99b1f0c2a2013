import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config.js';
import { loadWardenConfig } from '../config/load.js';

describe('configuration', () => {
  it('defaults to the embedded Temporal dev server and 127.0.0.1:8787', () => {
    const c = loadWardenConfig({}, '/srv/warden');
    expect(c.http).toEqual({ host: '127.0.0.1', port: 8787 });
    expect(c.temporal).toMatchObject({ mode: 'embedded', address: '127.0.0.1:7233', dbFile: '/srv/warden/.warden/temporal.db', uiUrl: 'http://127.0.0.1:8233' });
    expect(c.encryption.keyFile).toBe('/srv/warden/.warden/keys.json');
    expect(c.codecEndpoint.corsOrigins).toContain('http://localhost:8233');
  });

  it('connects to an external cluster when TEMPORAL_ADDRESS is set', () => {
    expect(loadWardenConfig({ TEMPORAL_ADDRESS: 'temporal.internal:7233' }).temporal.mode).toBe('external');
    expect(loadWardenConfig({ TEMPORAL_PROFILE: 'prod' }).temporal.mode).toBe('external');
  });

  it('names every bad variable and what is wrong with it', () => {
    try {
      loadWardenConfig({ WARDEN_HTTP_PORT: 'eighty', WARDEN_TEMPORAL_PORT: '70000', WARDEN_CODEC_TOKEN: 'short' });
      expect.unreachable('loadWardenConfig accepted bad values');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/WARDEN_HTTP_PORT/);
      expect(problems).toMatch(/WARDEN_TEMPORAL_PORT/);
      expect(problems).toMatch(/WARDEN_CODEC_TOKEN: must be at least 16 characters/);
      expect(problems).not.toContain('short');
    }
  });
});

describe('warden.example.yaml', () => {
  it('is a valid configuration file', () => {
    const { file: config } = loadWardenConfig({ WARDEN_CONFIG: 'warden.example.yaml' });
    expect(config.identities.map((i) => i.id)).toEqual(['alice', 'mlops-bot']);
    expect(config.people.map((p) => p.id)).toEqual(['alice', 'dana']);
  });
});
