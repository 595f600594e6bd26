/**
 * The rules of who may do what, as pure functions of plain facts (who the viewer is, the viewer's
 * role, the resource's visibility and state), so that they can be read and tested without a
 * database. Ability names are GitLab's. One file per subject; this index gathers them.
 */
export * from './actor';
export * from './instance-policy';
export * from './project-policy';
export * from './group-policy';
export * from './user-policy';
export { abilityNames } from './conditions';
