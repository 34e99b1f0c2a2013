import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { ResolvedPlaybook } from '../engine/playbook-types.js';
import { validatePlaybook } from './validate.js';
import { fieldName, offsetOf } from '../config/yaml-location.js';

export interface LoadedPlaybook {
  readonly file: string;
  readonly sha256: string;
  readonly playbook: ResolvedPlaybook;
}

/** A problem as a person reads it: file, line, column, field, message. */
export interface LocatedProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly field: string;
  readonly message: string;
}

export type LoadResult = { ok: true; loaded: LoadedPlaybook } | { ok: false; problems: LocatedProblem[] };

/** Parses and validates one playbook's YAML text. Editing the file later never changes `loaded`. */
export function loadPlaybookText(file: string, text: string): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => lineCounter.linePos(offset);
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const { line, col } = at(e.pos[0]);
        return { file, line, column: col, field: '(yaml)', message: e.message.split('\n')[0] ?? e.message };
      }),
    };
  }
  const { playbook, problems } = validatePlaybook(doc.toJS());
  if (!playbook) {
    return {
      ok: false,
      problems: problems.map((p) => {
        const { line, col } = at(offsetOf(doc, p.path));
        return { file, line, column: col, field: fieldName(p.path), message: p.message };
      }),
    };
  }
  return { ok: true, loaded: { file, sha256: createHash('sha256').update(text).digest('hex'), playbook } };
}

export function loadPlaybookFile(file: string, cwd = process.cwd()): LoadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { ok: false, problems: [{ file: relative(cwd, file), line: 0, column: 0, field: '(file)', message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }] };
  }
  return loadPlaybookText(relative(cwd, file) || file, text);
}

/** Expands directories to their *.yaml / *.yml files, sorted. */
export function playbookFiles(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    if (!statSync(p, { throwIfNoEntry: false })?.isDirectory()) return [p];
    return readdirSync(p)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => join(p, f));
  });
}

export interface PlaybookSet {
  readonly playbooks: readonly LoadedPlaybook[];
  readonly problems: readonly LocatedProblem[];
}

/** Loads every playbook under `paths`; also reports two files claiming the same id. */
export function loadPlaybooks(paths: readonly string[], cwd = process.cwd()): PlaybookSet {
  const playbooks: LoadedPlaybook[] = [];
  const problems: LocatedProblem[] = [];
  for (const file of playbookFiles(paths)) {
    const result = loadPlaybookFile(file, cwd);
    if (!result.ok) {
      problems.push(...result.problems);
      continue;
    }
    const clash = playbooks.find((p) => p.playbook.id === result.loaded.playbook.id);
    if (clash) {
      problems.push({ file: result.loaded.file, line: 1, column: 1, field: 'id', message: `playbook id "${clash.playbook.id}" is also used by ${clash.file}` });
      continue;
    }
    playbooks.push(result.loaded);
  }
  return { playbooks, problems };
}
