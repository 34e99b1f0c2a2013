/** The catalog actions the incident workflow runs itself, and how: plain data, safe in the workflow sandbox (no imports). */

/** How the incident workflow runs a catalog action: in an activity of the action's kind, in the workflow itself, or as a child workflow. */
export type ActionRunner = 'activity' | 'in-workflow' | 'child-workflow';

/** Every action of kind `workflow`, by name. Its catalog entry names the same runner; the workflow keeps one runner for each. */
export const WORKFLOW_ACTIONS = {
  'incident.setSeverity': 'in-workflow',
  'incident.wait': 'in-workflow',
  'identity.offboard': 'child-workflow',
} as const satisfies Readonly<Record<string, Exclude<ActionRunner, 'activity'>>>;

export type WorkflowActionName = keyof typeof WORKFLOW_ACTIONS;

export function isWorkflowAction(name: string): name is WorkflowActionName {
  return Object.hasOwn(WORKFLOW_ACTIONS, name);
}

/** How the workflow runs the action named `name`; an action not listed above runs in an activity. */
export function runnerOf(name: string): ActionRunner {
  return isWorkflowAction(name) ? WORKFLOW_ACTIONS[name] : 'activity';
}
