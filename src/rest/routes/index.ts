import type { RestRoute } from '../route';
import { ACCESS_TOKEN_ROUTES } from './access-tokens';
import { DEPLOY_TOKEN_ROUTES } from './deploy-tokens';
import { GROUP_LINK_ROUTES } from './group-links';
import { MEMBER_ROUTES } from './members';
import { METADATA_ROUTES } from './metadata';
import { PERSONAL_ACCESS_TOKEN_ROUTES } from './personal-access-tokens';
import { PROJECT_GROUP_ROUTES } from './projects-groups';
import { USER_ROUTES } from './users';
import { PROTECTED_BRANCH_ROUTES } from './protected-branches';

/** Every route of the REST API, in the order of the OpenAPI document. */
export const REST_ROUTES: RestRoute[] = [
  ...ACCESS_TOKEN_ROUTES,
  ...PERSONAL_ACCESS_TOKEN_ROUTES,
  ...USER_ROUTES,
  ...PROJECT_GROUP_ROUTES,
  ...MEMBER_ROUTES,
  ...GROUP_LINK_ROUTES,
  ...METADATA_ROUTES,
  ...PROTECTED_BRANCH_ROUTES,
  ...DEPLOY_TOKEN_ROUTES,
];
