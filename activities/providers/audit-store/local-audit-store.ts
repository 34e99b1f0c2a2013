import { link, mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditStore } from '../../ports/audit-store.js';

const NAME = /^[A-Za-z0-9._-]+$/;

function checkName(name: string): string {
  if (!NAME.test(name) || name.startsWith('.')) throw new Error(`not an audit object name: ${JSON.stringify(name)}`);
  return name;
}

/** The embedded audit store: one file per object in `dir` ($WARDEN_STATE_DIR/audit), mode 0600. */
export function createLocalAuditStore(dir: string): AuditStore {
  const path = (name: string) => join(dir, checkName(name));
  const get = async (name: string): Promise<string | undefined> => {
    try {
      return await readFile(path(name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  };
  const writeTemp = async (name: string, text: string): Promise<string> => {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = join(dir, `.${checkName(name)}.${process.pid}.${Date.now()}.tmp`);
    await writeFile(tmp, text, { mode: 0o600 });
    return tmp;
  };
  return {
    location: dir,
    async putOnce(name, text) {
      // Written whole to a temporary file, then linked into place: a crash never leaves half a batch under its name.
      const tmp = await writeTemp(name, text);
      try {
        await link(tmp, path(name));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        if ((await get(name)) !== text) throw new Error(`${path(name)} already holds other text: refusing to overwrite an audit batch`);
      } finally {
        await unlink(tmp);
      }
    },
    async replace(name, text) {
      await rename(await writeTemp(name, text), path(name));
    },
    get,
    async list() {
      try {
        return (await readdir(dir)).filter((n) => NAME.test(n) && !n.startsWith('.')).sort();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
    },
  };
}
