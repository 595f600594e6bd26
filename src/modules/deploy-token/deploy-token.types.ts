import { ArgsType, Field, ID, InputType, ObjectType } from 'type-graphql';
import { Authorize } from '../../graphql/authorization';
import { PaginationArgs } from '../../graphql/common.types';
import { DeployTokenIDScalar } from '../../graphql/global-id';
import { type GlobalId } from '../../core/global-id';
import { MutationInput, MutationPayload } from '../../graphql/mutation';
import { connectionType } from '../../graphql/pagination';
import { TimeScalar } from '../../graphql/scalars';

/*
 * GitLab serves deploy tokens over REST and its settings pages only: its GraphQL API has no type or
 * mutation for them. Labgate adds them here in the style of its project and group access tokens,
 * with the fields of GitLab's REST entity (`API::Entities::DeployToken`); every description says so.
 */

const NOT_IN_GITLAB = 'Not in GitLab\'s GraphQL API (GitLab manages deploy tokens over REST only): a Labgate addition.';

@Authorize('read_deploy_token')
@ObjectType('DeployToken', {
  description: `A deploy token of a project or group: a credential for Git clients (\`read_repository\`) and the container registry (\`read_registry\`, \`write_registry\`), with its own user name and no role. ${NOT_IN_GITLAB}`,
})
export class DeployTokenType {
  @Field(() => DeployTokenIDScalar, { description: 'Global ID of the token.' })
  id!: unknown;

  @Field({ description: 'Name of the token.' })
  name!: string;

  @Field({ description: 'User name the token is used with: the login of HTTP Basic (default `gitlab+deploy-token-<id>`).' })
  username!: string;

  @Field(() => [String], { description: 'Scopes of the token, such as `read_repository` or `read_registry`.' })
  scopes!: string[];

  @Field(() => TimeScalar, { nullable: true, description: 'The token stops working at this instant; null: it never expires.' })
  expiresAt!: Date | null;

  @Field({ description: 'Whether the token was revoked.' })
  revoked!: boolean;

  @Field({ description: 'Whether the expiry lies before today (GitLab\'s `expired`).' })
  expired!: boolean;

  @Field({ description: 'Whether the token works: neither revoked nor past its expiry.' })
  active!: boolean;

  @Field(() => TimeScalar, { description: 'When the token was created.' })
  createdAt!: Date;
}

export const DeployTokenConnection = connectionType('DeployToken', () => DeployTokenType, { count: true });

@ArgsType()
export class DeployTokenListArgsType extends PaginationArgs {
  @Field(() => Boolean, { nullable: true, description: 'True: only active tokens (neither revoked nor expired).' })
  active?: boolean | null;
}

function deployTokenInputs(holder: 'Project' | 'Group') {
  const pathField = holder === 'Project' ? 'projectPath' : 'groupPath';
  const what = holder.toLowerCase();

  @InputType(`${holder}DeployTokenCreateInput`, { description: `Input of \`${what}DeployTokenCreate\`. ${NOT_IN_GITLAB}` })
  class CreateInput extends MutationInput {
    @Field({ description: 'Name of the token.' })
    name!: string;

    @Field(() => [String], {
      description: 'Scopes of the token: `read_repository`, `read_registry`, `write_registry`, `read_package_registry`, `write_package_registry`.',
    })
    scopes!: string[];

    @Field(() => String, { nullable: true, description: 'User name of the token. Default `gitlab+deploy-token-<id>`.' })
    username?: string | null;

    @Field(() => TimeScalar, { nullable: true, description: 'Expiry (a date means its first instant, UTC). Default: never.' })
    expiresAt?: Date | null;
  }

  @InputType(`${holder}DeployTokenRevokeInput`, { description: `Input of \`${what}DeployTokenRevoke\`. ${NOT_IN_GITLAB}` })
  class RevokeInput extends MutationInput {
    @Field(() => DeployTokenIDScalar, { description: 'Global ID of the token.' })
    id!: GlobalId;
  }

  // The path field is named after the holder (`projectPath`, `groupPath`), so it is declared here.
  for (const cls of [CreateInput, RevokeInput]) {
    Field(() => ID, { description: `Full path of the ${what}.` })(cls.prototype, pathField);
  }
  const pathOf = (input: object): string => (input as Record<string, string>)[pathField];

  @ObjectType(`${holder}DeployTokenCreatePayload`, { description: `Payload of \`${what}DeployTokenCreate\`. ${NOT_IN_GITLAB}` })
  class CreatePayload extends MutationPayload {
    @Field(() => DeployTokenType, { nullable: true, description: 'The new token.' })
    deployToken?: unknown;

    @Field(() => String, { nullable: true, description: 'The secret of the new token (`gldt-...`), shown only this once.' })
    token?: string | null;
  }

  @ObjectType(`${holder}DeployTokenRevokePayload`, { description: `Payload of \`${what}DeployTokenRevoke\`. ${NOT_IN_GITLAB}` })
  class RevokePayload extends MutationPayload {
    @Field(() => DeployTokenType, { nullable: true, description: 'The revoked token.' })
    deployToken?: unknown;
  }

  return { CreateInput, RevokeInput, CreatePayload, RevokePayload, pathOf };
}

export const ProjectDeployTokenTypes = deployTokenInputs('Project');
export const GroupDeployTokenTypes = deployTokenInputs('Group');
