import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (scripts/provision.sh chromium), or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium with nothing that reaches the network by itself (updates, sync, QUIC), on a
 * fresh profile: Playwright's launch() gives it a new temporary --user-data-dir and removes it at
 * close (it refuses one passed in args). Fails with what to do when the browser is missing.
 */
export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run bash scripts/provision.sh chromium (apt-get install -y --no-install-recommends chromium), or set CHROMIUM_PATH`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

const AXE = readFileSync(join(dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now (rule id and the first target of each). */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated in the page (a string: the test project has no DOM types).
  // The console's CSP allows no inline script, so axe-core is evaluated through the DevTools protocol (as addScriptTag would inject it, unblocked).
  if (!(await page.evaluate<boolean>("typeof window.axe === 'object'"))) await page.evaluate(AXE);
  const found = await page.evaluate<{ id: string; impact: string; target: string }[]>(
    `window.axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact || '', target: JSON.stringify((v.nodes[0] || {}).target || []) })))`,
  );
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id} at ${v.target}`);
}

/** Saves a screenshot of the page into docs/img/ (the README shows them). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = join(dirname(new URL(import.meta.url).pathname), '..', '..', 'docs', 'img');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: false });
}
