import { GraphQLError, GraphQLScalarType, valueFromASTUntyped } from 'graphql';
import { registerEnumType } from 'type-graphql';

/**
 * Enums and the JSON scalar of the preferences a user keeps for areas Labgate does not implement
 * (issue and merge request lists, pipelines, work items). Their values are GitLab's.
 */

const RENAMED = (to: string) => ({ deprecationReason: `This was renamed. Please use \`${to}\`. Deprecated in GitLab 13.5.` });
const LOWER_CASE_ALIASES = { created_asc: RENAMED('CREATED_ASC'), created_desc: RENAMED('CREATED_DESC'), updated_asc: RENAMED('UPDATED_ASC'), updated_desc: RENAMED('UPDATED_DESC') };

function stringEnum<const V extends string>(values: readonly V[]): Record<V, V> {
  return Object.fromEntries(values.map((v) => [v, v])) as Record<V, V>;
}

export const IssueSortEnum = stringEnum([
  'BLOCKING_ISSUES_ASC', 'BLOCKING_ISSUES_DESC', 'CLOSED_AT_ASC', 'CLOSED_AT_DESC', 'CREATED_ASC', 'CREATED_DESC', 'DUE_DATE_ASC', 'DUE_DATE_DESC',
  'ESCALATION_STATUS_ASC', 'ESCALATION_STATUS_DESC', 'HEALTH_STATUS_ASC', 'HEALTH_STATUS_DESC', 'LABEL_PRIORITY_ASC', 'LABEL_PRIORITY_DESC',
  'MILESTONE_DUE_ASC', 'MILESTONE_DUE_DESC', 'POPULARITY_ASC', 'POPULARITY_DESC', 'PRIORITY_ASC', 'PRIORITY_DESC', 'PUBLISHED_ASC', 'PUBLISHED_DESC',
  'RELATIVE_POSITION_ASC', 'SEVERITY_ASC', 'SEVERITY_DESC', 'SLA_DUE_AT_ASC', 'SLA_DUE_AT_DESC', 'STATUS_ASC', 'STATUS_DESC', 'TITLE_ASC', 'TITLE_DESC',
  'UPDATED_ASC', 'UPDATED_DESC', 'WEIGHT_ASC', 'WEIGHT_DESC', 'created_asc', 'created_desc', 'updated_asc', 'updated_desc',
]);
const EXPERIMENT_18_4 = { deprecationReason: '**Status**: Experiment. Introduced in GitLab 18.4.' };
registerEnumType(IssueSortEnum, { name: 'IssueSort', description: 'Order of issue lists.', valuesConfig: { ...LOWER_CASE_ALIASES, STATUS_ASC: EXPERIMENT_18_4, STATUS_DESC: EXPERIMENT_18_4 } });

export const MergeRequestSortEnum = stringEnum([
  'CLOSED_AT_ASC', 'CLOSED_AT_DESC', 'CREATED_ASC', 'CREATED_DESC', 'LABEL_PRIORITY_ASC', 'LABEL_PRIORITY_DESC', 'MERGED_AT_ASC', 'MERGED_AT_DESC',
  'MILESTONE_DUE_ASC', 'MILESTONE_DUE_DESC', 'POPULARITY_ASC', 'POPULARITY_DESC', 'PRIORITY_ASC', 'PRIORITY_DESC', 'TITLE_ASC', 'TITLE_DESC',
  'UPDATED_ASC', 'UPDATED_DESC', 'created_asc', 'created_desc', 'updated_asc', 'updated_desc',
]);
registerEnumType(MergeRequestSortEnum, { name: 'MergeRequestSort', description: 'Order of merge request lists.', valuesConfig: LOWER_CASE_ALIASES });

export const MergeRequestsDashboardListTypeEnum = stringEnum(['ACTION_BASED', 'ROLE_BASED']);
registerEnumType(MergeRequestsDashboardListTypeEnum, { name: 'MergeRequestsDashboardListType', description: 'How the merge request dashboard groups its lists.' });

export const VisibilityPipelineIdTypeEnum = stringEnum(['ID', 'IID']);
registerEnumType(VisibilityPipelineIdTypeEnum, { name: 'VisibilityPipelineIdType', description: 'Which number pipeline lists show.' });

/** GitLab's `JSON` scalar: any JSON value, passed through as it is. */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => {
    try {
      return valueFromASTUntyped(ast, variables);
    } catch {
      throw new GraphQLError('JSON value is invalid');
    }
  },
});
