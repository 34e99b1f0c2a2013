#!/usr/bin/env node
// @ts-check
/**
 * Keeps the files we write short: source under 300 lines, tests under 450 (a suite's set-up sits
 * beside its cases). A longer file needs an exception below with its reason and a ceiling, so it
 * cannot grow unnoticed; an exception that is no longer needed fails too, so the list stays true.
 * `npm run lint` runs it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LIMITS = { source: 300, test: 450 };

/** @type {Readonly<Record<string, { max: number; reason: string }>>} */
export const EXCEPTIONS = {
  'test/peers/fake-github.ts': {
    max: 500,
    reason: 'one stateful fake of the GitHub REST API: every route Warden calls, each a few lines over the same in-memory organization',
  },
  'test/reviews/evidence-pack.test.ts': {
    max: 800,
    reason: 'half of it is the one hostile campaign state (every column, escaping, 100,000 rows) that all its cases read',
  },
};

const CODE = /\.(ts|mts|cts|js|mjs|cjs)$/;
// console/src/generated: the API types openapi-typescript writes from server/openapi.json (npm run console:types), not code we write.
const SKIP = new Set(['node_modules', 'dist', 'coverage', '.warden', '.git', 'test/fixtures', 'test/replay/fixtures', 'console/src/generated']);

/**
 * Our code files under root, as paths relative to it with forward slashes.
 * @param {string} root @param {string} [dir] @returns {string[]}
 */
export function codeFiles(root, dir = '') {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return SKIP.has(path) ? [] : codeFiles(root, path);
    return entry.isFile() && CODE.test(entry.name) ? [path] : [];
  });
}

/** @param {string} text */
export const lineCount = (text) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

/**
 * Every problem: a file over its limit without an exception, over its exception's ceiling, or an exception no longer needed.
 * @param {string} root @param {Readonly<Record<string, { max: number; reason: string }>>} [exceptions] @param {typeof LIMITS} [limits]
 * @returns {string[]}
 */
export function checkFileSizes(root, exceptions = EXCEPTIONS, limits = LIMITS) {
  /** @type {string[]} */
  const problems = [];
  const files = new Set(codeFiles(root));
  for (const path of [...files].sort()) {
    const lines = lineCount(readFileSync(join(root, path), 'utf8'));
    const limit = path.startsWith('test/') ? limits.test : limits.source;
    const exception = exceptions[path];
    if (exception && lines > exception.max) problems.push(`${path}: ${lines} lines, over the ${exception.max} its exception allows (${exception.reason}); split it`);
    else if (exception && lines <= limit) problems.push(`${path}: ${lines} lines, within the ${limit}-line limit now; delete its exception in scripts/check-file-size.mjs`);
    else if (!exception && lines > limit) problems.push(`${path}: ${lines} lines, over the ${limit}-line limit; split it, or add an exception with its reason to scripts/check-file-size.mjs`);
  }
  for (const path of Object.keys(exceptions)) {
    if (!files.has(path)) problems.push(`${path}: no such file; delete its exception in scripts/check-file-size.mjs`);
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = checkFileSizes(process.cwd());
  for (const p of problems) process.stderr.write(`file size: ${p}\n`);
  process.exit(problems.length > 0 ? 1 : 0);
}
