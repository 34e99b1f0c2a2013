import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Search attributes for listing incidents; registered on the dev server by Warden. */
export const SA_STATUS = defineSearchAttributeKey('WardenStatus', SearchAttributeType.KEYWORD);
export const SA_SEVERITY = defineSearchAttributeKey('WardenSeverity', SearchAttributeType.KEYWORD);
export const SA_PLAYBOOK = defineSearchAttributeKey('WardenPlaybook', SearchAttributeType.KEYWORD);
export const SA_PHASE = defineSearchAttributeKey('WardenPhase', SearchAttributeType.KEYWORD);
/** name → type, as `temporal server start-dev --search-attribute` and `temporal operator search-attribute create` take them. */
export const SEARCH_ATTRIBUTES: Readonly<Record<string, 'Keyword'>> = {
  WardenStatus: 'Keyword',
  WardenSeverity: 'Keyword',
  WardenPlaybook: 'Keyword',
  WardenPhase: 'Keyword',
};
