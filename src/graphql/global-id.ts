import { GraphQLError, GraphQLScalarType, Kind, valueFromASTUntyped, type ValueNode } from 'graphql';
import { MODELS, parseGlobalId, toGlobalId, type GlobalId } from '../core/global-id';

/** The GraphQL scalars of GitLab's global ids (the ids themselves are in `core/global-id.ts`). */

/** The literal's value, whatever its kind, so that an error can show what was written. */
function literalString(ast: ValueNode): unknown {
  return ast.kind === Kind.STRING ? ast.value : valueFromASTUntyped(ast);
}

/** The scalar for IDs of one model, named as GitLab names them (`ProjectID`, `UserID`...). */
export function globalIdScalar(model: string | null): GraphQLScalarType<GlobalId, string> {
  const name = model === null ? 'GlobalID' : `${model.replace(/::/g, '')}ID`;
  const example = model === null ? 'gid://gitlab/User/1' : `gid://gitlab/${model}/1`;
  return new GraphQLScalarType<GlobalId, string>({
    name,
    description:
      model === null
        ? `A global identifier. An example \`GlobalID\` is: \`"${example}"\`.`
        : `A \`${name}\` is a global ID. It is encoded as a string.\n\nAn example \`${name}\` is: \`"${example}"\`.`,
    serialize(value) {
      if (typeof value === 'string') {
        parseGlobalId(value, model ?? undefined);
        return value;
      }
      const gid = value as GlobalId;
      if (model && gid.model !== model) throw new GraphQLError(`Expected a ${model} ID, got ${toGlobalId(gid.model, gid.id)}`);
      return toGlobalId(gid.model, gid.id);
    },
    parseValue: (value) => parseGlobalId(value, model ?? undefined),
    parseLiteral(ast) {
      try {
        return parseGlobalId(literalString(ast), model ?? undefined);
      } catch (error) {
        // Located at the literal, as GitLab reports argument coercion errors.
        throw new GraphQLError((error as Error).message, { nodes: ast });
      }
    },
  });
}

export const GlobalIDScalar = globalIdScalar(null);
export const ProjectIDScalar = globalIdScalar(MODELS.project);
export const GroupIDScalar = globalIdScalar(MODELS.group);
export const NamespaceIDScalar = globalIdScalar(MODELS.namespace);
export const UserIDScalar = globalIdScalar(MODELS.user);
export const PersonalAccessTokenIDScalar = globalIdScalar(MODELS.personalAccessToken);
export const DeployTokenIDScalar = globalIdScalar(MODELS.deployToken);
