import { describe, expect, it } from 'vitest';
import { temporalLogger } from '../../worker/runtime-logger.js';

describe("Temporal's log lines under WARDEN_LOG_LEVEL", () => {
  const emit = (level: 'debug' | 'info' | 'warn'): string[] => {
    const lines: string[] = [];
    const logger = temporalLogger(level, (l) => lines.push(l));
    logger.info('Workflow bundle created', { size: '1.20MB' });
    logger.info('asset workflow-bundle-abc.js 1.2 MiB [emitted]');
    logger.warn('Worker is slow to shut down');
    logger.error('Webpack finished with errors');
    return lines;
  };

  it('at info (the default) and warn: only warnings and errors', () => {
    for (const level of ['info', 'warn'] as const) expect(emit(level)).toEqual(['temporal warn: Worker is slow to shut down', 'temporal error: Webpack finished with errors']);
  });

  it('at debug: the bundler lines too, with their metadata', () => {
    expect(emit('debug')).toEqual([
      'temporal info: Workflow bundle created {"size":"1.20MB"}',
      'temporal info: asset workflow-bundle-abc.js 1.2 MiB [emitted]',
      'temporal warn: Worker is slow to shut down',
      'temporal error: Webpack finished with errors',
    ]);
  });
});
