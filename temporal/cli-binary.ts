import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface TemporalCli {
  readonly path: string;
  readonly route: 'TEMPORAL_CLI_PATH' | 'PATH' | 'cache';
}

/** The cache that scripts/provision.sh fills; shared by CI runs and sessions on one machine. */
export function wardenCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.WARDEN_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'warden');
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the Temporal CLI in the same order as scripts/provision.sh: TEMPORAL_CLI_PATH, then
 * `temporal` on PATH, then the provisioned cache. Undefined when none is present.
 */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): TemporalCli | undefined {
  if (env.TEMPORAL_CLI_PATH) return executable(env.TEMPORAL_CLI_PATH) ? { path: env.TEMPORAL_CLI_PATH, route: 'TEMPORAL_CLI_PATH' } : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'temporal');
    if (executable(candidate)) return { path: candidate, route: 'PATH' };
  }
  const cached = join(wardenCacheDir(env), 'bin', 'temporal');
  return executable(cached) ? { path: cached, route: 'cache' } : undefined;
}
