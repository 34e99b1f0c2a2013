import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { wardenCacheDir } from '../../temporal/cli-binary.js';
import { SEARCH_ATTRIBUTES } from '../../contracts/search-attributes.js';

const { temporal } = proto;

/** The provisioned time-skipping test server (scripts/provision.sh time-skipping), if present. */
export function timeSkippingServerPath(): string | undefined {
  const path = join(wardenCacheDir(), 'bin', 'temporal-test-server');
  return existsSync(path) ? path : undefined;
}

/**
 * Temporal's time-skipping test server, for timers of hours and days: while a test waits on a
 * workflow result, the server jumps time to the next timer. It has no visibility and no
 * Schedules: tests of listing and Schedules use the dev server.
 */
export async function createTimeSkippingEnv(dataConverter?: DataConverter): Promise<TestWorkflowEnvironment> {
  const path = timeSkippingServerPath();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    ...(path ? { server: { executable: { type: 'existing-path', path } } } : {}),
    // env.client skips time while a test waits on a result; it needs the codec to read results.
    ...(dataConverter ? { client: { dataConverter } } : {}),
  });
  // The incident workflows upsert Warden's search attributes, which must exist on any server.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(Object.keys(SEARCH_ATTRIBUTES).map((name) => [name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
  });
  return env;
}
