/** The task queue the Warden worker polls. Part of every running workflow's identity: never rename it. */
export const TASK_QUEUE = 'warden';
