import {
  DeployToken,
  deployTokenUsername,
  isDeployTokenActive,
  SERVED_DEPLOY_TOKEN_SCOPES,
  type DeployTokenScope,
} from '../modules/deploy-token/deploy-token.entity';
import type { ClientAuthOutcome, ClientCredentialStrategy } from './client-credentials';
import { digestToken, looksLikeToken } from './token-secret';

const INVALID: ClientAuthOutcome = { status: 'invalid' };

/**
 * Deploy tokens as Git and registry credentials (GitLab's `deploy_token_check`, lib/gitlab/auth.rb):
 * the password is the token, and the login must be the token's user name, exactly. A revoked or
 * expired token, another login, or a token whose scopes open nothing Labgate serves (only package
 * registry scopes) is refused as invalid. Whether the token reaches the project asked for is the
 * transport's question (src/policy/deploy-token-policy.ts).
 *
 * GitLab records no last use for deploy tokens (its table has no such column), so neither does this.
 */
export const deployTokenStrategy: ClientCredentialStrategy = async (app, credentials) => {
  if (!looksLikeToken(credentials.password)) return null;
  const token = await app.dataSource.getRepository(DeployToken).findOneBy({ tokenDigest: digestToken(credentials.password) });
  if (!token) return null;
  if (!isDeployTokenActive(token, app.clock.now())) return INVALID;
  const username = deployTokenUsername(token);
  if (credentials.login !== username) return INVALID;
  if (!token.scopes.some((scope) => SERVED_DEPLOY_TOKEN_SCOPES.includes(scope as DeployTokenScope))) return INVALID;
  return {
    status: 'authenticated',
    actor: {
      kind: 'deploy-token',
      deployToken: { id: token.id, username, scopes: [...token.scopes], projectId: token.projectId, groupId: token.groupId },
    },
  };
};
