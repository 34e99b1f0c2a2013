/**
 * What the global setup hands to every test file, through environment variables (the test
 * processes are forked after the setup ran, so they inherit them).
 */
export const SUITE_ENV = {
  address: 'WARDEN_TEST_TEMPORAL_ADDRESS',
  namespace: 'WARDEN_TEST_TEMPORAL_NAMESPACE',
  keys: 'WARDEN_TEST_ENCRYPTION_KEYS',
  bundle: 'WARDEN_TEST_WORKFLOW_BUNDLE',
  temporalCli: 'WARDEN_TEST_TEMPORAL_CLI',
} as const;

export function suiteValue(name: keyof typeof SUITE_ENV): string {
  const value = process.env[SUITE_ENV[name]];
  if (!value) throw new Error(`${SUITE_ENV[name]} is not set: run the tests through vitest (test/global-setup.ts)`);
  return value;
}
