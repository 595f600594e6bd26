import type { ActorFacts } from './actor';

/**
 * Conditions several policies share, written once.
 */

/**
 * A subject's abilities, each named once. The value says whether GitLab's `*Permissions` type shows
 * the ability: `true` under its camel-case name, a string under that field name, `false` not at all.
 * The permission types of the schema are generated from these lists.
 */
export type AbilityList = Record<string, boolean | string>;

export function abilityNames<L extends AbilityList>(list: L): Array<keyof L & string> {
  return Object.keys(list) as Array<keyof L & string>;
}

/** The `*Permissions` fields of a list: field name -> ability. */
export function permissionFields(list: AbilityList): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [ability, shown] of Object.entries(list)) {
    if (shown === false) continue;
    fields[typeof shown === 'string' ? shown : ability.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = ability;
  }
  return fields;
}

/** Writes an archived project refuses until it is unarchived. */
export const ARCHIVED_READ_ONLY: readonly string[] = [
  'create_issue',
  'create_merge_request_in',
  'create_merge_request_from',
  'create_snippet',
  'create_label',
  'create_wiki',
  'update_wiki',
  'destroy_wiki',
  'admin_wiki',
  'upload_file',
  'request_access',
  'push_code',
  'push_to_delete_protected_branch',
  'create_pipeline',
  'create_pipeline_schedule',
  'create_deployment',
  'create_design',
  'update_design',
  'destroy_design',
  'move_design',
  'create_path_lock',
  'admin_path_locks',
  'create_pages',
  'update_pages',
  'remove_pages',
  'destroy_pages',
];


/** Facts about where a project or group lives that decide whether new resource tokens are offered. */
export interface TokenCreationFacts {
  /** The top-level group allows new resource access tokens (always true in a personal namespace). */
  tokenCreationAllowed: boolean;
  /** The instance offers resource access tokens here (SaaS mode: paid, non-trial top-level group). */
  tokenFeatureAvailable: boolean;
}

/**
 * Creating and managing project or group access tokens: for those who administer the resource
 * (`administers`), where the top-level group allows it and the instance offers it, and never for a
 * bot (a token cannot mint tokens).
 */
export function applyTokenCreationRule(can: Set<string>, actor: ActorFacts, administers: boolean, facts: TokenCreationFacts): void {
  for (const ability of ['create_resource_access_tokens', 'manage_resource_access_tokens']) {
    if (administers && facts.tokenCreationAllowed && facts.tokenFeatureAvailable && !actor.projectBot) can.add(ability);
    else can.delete(ability);
  }
}

/**
 * Whether the instance offers resource access tokens below a top-level namespace: always when
 * self-managed; in SaaS mode only below a group on a paid plan that is not a trial.
 */
export function resourceTokensOffered(saas: boolean, root: { type: string; plan: string; trial: boolean } | null): boolean {
  if (!saas) return true;
  return root !== null && root.type === 'Group' && root.plan !== 'free' && !root.trial;
}
