import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../catalog/index.js';
import { runnerOf, WORKFLOW_ACTIONS } from '../../catalog/workflow-actions.js';

describe('actions the incident workflow runs itself', () => {
  it('are the catalog entries of kind workflow, each with the runner the workflow dispatches on', () => {
    const ofKindWorkflow = CATALOG.filter((a) => a.kind === 'workflow').map((a) => [a.name, a.runner]);
    expect(Object.fromEntries(ofKindWorkflow)).toEqual(WORKFLOW_ACTIONS);
    for (const action of CATALOG) expect([action.name, runnerOf(action.name)]).toEqual([action.name, action.runner ?? 'activity']);
  });
});
