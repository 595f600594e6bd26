import type { RequestContext } from '../core/context';
import type { PersonalAccessToken } from '../modules/access-token/personal-access-token.entity';
import type { DeployToken } from '../modules/deploy-token/deploy-token.entity';
import type { Member } from '../modules/member/member.entity';
import type { Namespace } from '../modules/namespace/namespace.entity';
import type { Project } from '../modules/project/project.entity';
import type { User } from '../modules/user/user.entity';

/**
 * The objects abilities are checked on, said once: which kind of subject an object of each GraphQL
 * type is, and how a subject of each kind reaches the project, group, namespace or user whose rules
 * decide for it. `@authorize` (graphql/authorization.ts), `@granularScope` (graphql/granular-directive.ts),
 * the policy's `can` and REST's routes all read these two tables; none keeps a copy.
 */
export interface Subjects {
  instance: unknown;
  project: Project;
  group: Namespace;
  /** A group's namespace or a personal one. */
  namespace: Namespace;
  user: User;
  projectMember: Member;
  groupMember: Member;
  /** A membership of either kind (an interface's value): told apart by its source. */
  member: Member;
  personalAccessToken: PersonalAccessToken;
  resourceAccessToken: PersonalAccessToken;
  deployToken: DeployToken;
}

export type SubjectKind = keyof Subjects;

/** The subject an object of each GraphQL type is. A type not listed here is no subject. */
export const TYPE_SUBJECTS: Readonly<Record<string, SubjectKind>> = {
  // The root query type's fields are checked on the instance (`@authorize` on `Query` fields).
  Query: 'instance',
  Metadata: 'instance',
  Project: 'project',
  ProjectInterface: 'project',
  Group: 'group',
  GroupInterface: 'group',
  Namespace: 'namespace',
  User: 'user',
  UserCore: 'user',
  CurrentUser: 'user',
  AutocompletedUser: 'user',
  ProjectMember: 'projectMember',
  GroupMember: 'groupMember',
  MemberInterface: 'member',
  PersonalAccessToken: 'personalAccessToken',
  ResourceAccessToken: 'resourceAccessToken',
  DeployToken: 'deployToken',
};

/** The subject kind of a GraphQL type, or null when the type is no subject. */
export function subjectOfType(typeName: string): SubjectKind | null {
  return Object.prototype.hasOwnProperty.call(TYPE_SUBJECTS, typeName) ? TYPE_SUBJECTS[typeName] : null;
}

/** What decides for a subject: the instance, a project, a group, a namespace (group or personal), a user. */
export type Reach =
  | { kind: 'instance' }
  | { kind: 'project'; project: Project }
  | { kind: 'group'; group: Namespace }
  | { kind: 'namespace'; namespace: Namespace }
  | { kind: 'user'; user: User };

type Reacher<K extends SubjectKind> = (ctx: RequestContext, subject: Subjects[K]) => Promise<Reach | null>;

async function projectById(ctx: RequestContext, id: number): Promise<Reach | null> {
  const project = await ctx.loaders.projects.load(id);
  return project ? { kind: 'project', project } : null;
}

async function groupById(ctx: RequestContext, id: number | null): Promise<Reach | null> {
  const group = id === null ? null : await ctx.loaders.namespaces.load(id);
  return group ? { kind: 'group', group } : null;
}

const throughMembership = (ctx: RequestContext, member: Member) =>
  member.sourceType === 'Project' ? projectById(ctx, member.sourceId) : groupById(ctx, member.sourceId);

/**
 * How each kind of subject reaches what decides for it (null: it reaches nothing, as a membership of a
 * deleted project). A membership and a deploy token are read through their project or group; a
 * personal access token through its owner; a resource access token through the one membership of its
 * bot.
 */
const REACHES: { readonly [K in SubjectKind]: Reacher<K> } = {
  instance: async () => ({ kind: 'instance' }),
  project: async (_ctx, project) => ({ kind: 'project', project }),
  group: async (_ctx, group) => ({ kind: 'group', group }),
  namespace: async (_ctx, namespace) => ({ kind: 'namespace', namespace }),
  user: async (_ctx, user) => ({ kind: 'user', user }),
  projectMember: (ctx, member) => projectById(ctx, member.sourceId),
  groupMember: (ctx, member) => groupById(ctx, member.sourceId),
  member: throughMembership,
  personalAccessToken: async (ctx, token) => {
    const owner = await ctx.loaders.users.load(token.userId);
    return owner ? { kind: 'user', user: owner } : null;
  },
  resourceAccessToken: async (ctx, token) => {
    const membership = await ctx.loaders.botMembership.load(token.userId);
    return membership ? throughMembership(ctx, membership) : null;
  },
  deployToken: (ctx, token) => (token.projectId !== null ? projectById(ctx, token.projectId) : groupById(ctx, token.groupId)),
};

/** What decides for this subject (see `REACHES`). */
export function reachOf<K extends SubjectKind>(ctx: RequestContext, kind: K, subject: Subjects[K]): Promise<Reach | null> {
  return (REACHES[kind] as Reacher<K>)(ctx, subject);
}
