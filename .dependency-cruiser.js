// @ts-check
/**
 * The dependency rule (issue #13): contracts at the bottom, each layer importing only the layers
 * below it, and no import cycles. `npm run lint` runs it (depcruise), and test/lint/boundaries.test.ts
 * proves on fixture trees that an upward import and a cycle fail with these rule names.
 *
 * Bottom to top: engine → contracts → catalog, config, codec → playbook, temporal → workflows,
 * activities → worker, server, slack → cli; console/ (the browser app) beside them, on contracts' types only. Type-only imports count (tsPreCompilationDeps), except
 * where a rule says types may cross.
 */

const OURS = '^(contracts|engine|catalog|playbook|config|codec|temporal|workflows|activities|worker|server|slack|cli|console)/';
const FEATURES = '(incident|offboarding|reviews)';
const PORTS = '^activities/ports(/|[.]ts$)';
const RENDER = '^activities/[^/]+/render/';
const POLICY = '^activities/reviews/policy/';

/**
 * A layer that may import, of our own folders, only `allowed` (regular expressions).
 * @param {string} name @param {string} from @param {string[]} allowed @param {string} comment
 * @returns {import('dependency-cruiser').IForbiddenRuleType}
 */
const only = (name, from, allowed, comment) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: OURS, pathNot: allowed },
});

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles, anywhere: move what both sides need into a module below them.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    only('engine-imports-nothing-of-ours', '^engine/', ['^engine/'], 'engine/ is the pure playbook language at the very bottom.'),
    only('contracts-stay-at-the-bottom', '^contracts/', ['^contracts/', '^engine/'], 'contracts/ may import only itself and the types of the resolved playbook tree (engine/).'),
    {
      name: 'contracts-import-engine-types-only',
      comment: 'contracts/ sees engine/ as types (the resolved playbook tree), never as code.',
      severity: 'error',
      from: { path: '^contracts/' },
      to: { path: '^engine/', dependencyTypesNot: ['type-only'] },
    },
    only('catalog-stays-below-activities', '^catalog/', ['^(catalog|contracts|engine)/', PORTS], 'catalog/ (one file per action) may import contracts, engine and the activity ports.'),
    only('playbook-stays-below-workflows', '^playbook/', ['^(playbook|contracts|engine|catalog|config)/'], 'playbook/ loads and validates playbooks against the catalog.'),
    only('config-stays-low', '^config/', ['^(config|contracts|engine)/'], 'config/ reads settings; it never reaches up into activities, workflows or the apps.'),
    only('codec-stays-low', '^codec/', ['^(codec|config)/'], 'codec/ (payload encryption) needs only its key settings from config/.'),
    only('temporal-stays-low', '^temporal/', ['^(temporal|contracts|config|codec)/'], 'temporal/ holds client-side helpers over the contracts.'),
    only(
      'workflows-import-contracts-and-engine',
      '^workflows/',
      ['^(workflows|contracts|engine)/', '^(activities|catalog)/'],
      'Workflows are deterministic: contracts, engine and other workflows; activities and catalog as types only (next rule).',
    ),
    {
      name: 'workflows-import-activity-types-only',
      comment:
        'Workflows call activities through proxyActivities: `import type` only from activities/ and catalog/ (the ESLint fence says the same); catalog/workflow-actions.ts, which imports nothing, is the one sandbox-safe catalog module.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '^(activities|catalog)/', pathNot: '^catalog/workflow-actions[.]ts$', dependencyTypesNot: ['type-only'] },
    },
    only('ports-import-contracts-only', PORTS, ['^contracts/', PORTS], 'activities/ports/ are interfaces over the contracts.'),
    only('render-is-pure', RENDER, ['^(contracts|engine)/', RENDER], 'Renderers (activities/*/render/) are pure: contracts, engine and renderers.'),
    only(
      'activities-stay-below-the-apps',
      '^activities/',
      ['^(activities|contracts|engine|catalog|config|codec)/'],
      'Activities never import workflows, the worker, the server, Slack, the CLI, temporal/ or playbook/.',
    ),
    {
      name: 'activity-features-stay-apart',
      comment: 'One feature’s activities never import another feature’s, except its renderers ($1 is the importer’s feature).',
      severity: 'error',
      from: { path: `^activities/${FEATURES}/` },
      to: { path: `^activities/${FEATURES}/`, pathNot: ['^activities/$1/', RENDER] },
    },
    {
      name: 'features-use-ports-not-providers',
      comment: 'Feature activities reach peers through activities/ports; the worker wires the providers in.',
      severity: 'error',
      from: { path: `^activities/${FEATURES}/` },
      to: { path: '^activities/providers/' },
    },
    {
      name: 'providers-know-no-features',
      comment: 'A provider adapts one SDK to a port; it never imports feature activities.',
      severity: 'error',
      from: { path: '^activities/providers/' },
      to: { path: [`^activities/${FEATURES}/`, '^activities/(index|diagnostics)[.]ts$'] },
    },
    only(
      'worker-stays-below-the-apps',
      '^worker/',
      ['^(worker|contracts|engine|catalog|playbook|config|codec|temporal|workflows|activities)/'],
      'The worker never imports the server, Slack or the CLI.',
    ),
    only(
      'apps-import-no-activity-bodies',
      '^(server|slack|cli)/',
      ['^(server|slack|cli|worker|contracts|engine|catalog|playbook|config|codec|temporal|workflows)/', RENDER, POLICY, PORTS],
      'The server, Slack and the CLI use contracts and the pure parts of activities (renderers, review policy, ports); never activity bodies or providers.',
    ),
    {
      name: 'apps-import-workflow-types-only',
      comment: 'The apps start workflows by their contracts; a workflow function may be imported as a type only.',
      severity: 'error',
      from: { path: '^(server|slack|cli)/' },
      to: { path: '^workflows/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'only-the-cli-runs-the-worker',
      comment: 'cli/ is the top: `warden start` runs the worker and the server. The server and Slack never import the worker or the CLI.',
      severity: 'error',
      from: { path: '^(server|slack)/' },
      to: { path: '^(worker|cli)/' },
    },
    only(
      'console-is-a-browser-view',
      '^console/',
      ['^console/', '^contracts/'],
      'console/ (the web console, a browser app) calls the API through its generated client and sees contracts/ as types only.',
    ),
    {
      name: 'console-imports-contract-types-only',
      comment: 'The console runs in the browser: contracts/ as types only (`import type`); everything it does goes through the API.',
      severity: 'error',
      from: { path: '^console/' },
      to: { path: '^contracts/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'slack-stays-below-the-server',
      comment: 'The server mounts the Slack app, so slack/ never imports server/.',
      severity: 'error',
      from: { path: '^slack/' },
      to: { path: '^server/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|coverage|[.]warden)/|^test/lint/fixtures/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    /**
     * Today's breaches of the rules above, each with what would fix it. Listed here (not by
     * widening a rule) so they stay visible: depcruise reports them as "known violations ignored",
     * and anything not listed fails. Delete an entry when its fix lands (emptying this list and
     * running `npm run lint:deps` shows them all).
     */
    knownViolations: [],
  },
};
