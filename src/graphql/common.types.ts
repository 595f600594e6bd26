import { ArgsType, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Authorize } from './authorization';
import { ACCESS_LEVEL_NAMES, humanAccess } from '../policy/access-level';

/** The four Relay arguments every connection field takes. */
@ArgsType()
export class PaginationArgs {
  @Field(() => String, { nullable: true, description: 'Returns the elements in the list that come after the specified cursor.' })
  after?: string | null;

  @Field(() => String, { nullable: true, description: 'Returns the elements in the list that come before the specified cursor.' })
  before?: string | null;

  @Field(() => Int, { nullable: true, description: 'Returns the first _n_ elements from the list.' })
  first?: number | null;

  @Field(() => Int, { nullable: true, description: 'Returns the last _n_ elements from the list.' })
  last?: number | null;
}

export enum AccessLevelEnum {
  ADMIN = 60,
  DEVELOPER = 30,
  GUEST = 10,
  MAINTAINER = 40,
  MINIMAL_ACCESS = 5,
  NO_ACCESS = 0,
  OWNER = 50,
  PLANNER = 15,
  REPORTER = 20,
}
registerEnumType(AccessLevelEnum, { name: 'AccessLevelEnum', description: 'Access level of a role, by name.' });

export enum MemberAccessLevel {
  MINIMAL_ACCESS = 5,
  GUEST = 10,
  PLANNER = 15,
  REPORTER = 20,
  DEVELOPER = 30,
  MAINTAINER = 40,
  OWNER = 50,
}
registerEnumType(MemberAccessLevel, { name: 'MemberAccessLevel', description: 'A role a member can hold.' });

export const VisibilityLevelsEnum = { private: 'private', internal: 'internal', public: 'public' } as const;
registerEnumType(VisibilityLevelsEnum, { name: 'VisibilityLevelsEnum', description: 'Who may see a project or group.' });

/** A role as GitLab reports it: number, enum name and human name. */
@ObjectType('AccessLevel', { description: 'A role, as a number, an enum value and a human name.' })
@Authorize()
export class AccessLevel {
  @Field(() => String, { nullable: true, description: 'Human name of the role, for example `Maintainer`.' })
  humanAccess!: string | null;

  @Field(() => Int, { nullable: true, description: 'Numeric value of the role, for example 40.' })
  integerValue!: number | null;

  @Field(() => AccessLevelEnum, { nullable: true, description: 'Enum value of the role.' })
  stringValue!: AccessLevelEnum | null;

  static of(level: number): AccessLevel {
    const known = ACCESS_LEVEL_NAMES[level] !== undefined;
    return { humanAccess: humanAccess(level), integerValue: level, stringValue: known ? (level as AccessLevelEnum) : null };
  }
}
