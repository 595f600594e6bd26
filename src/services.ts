import { PersonalAccessTokenService } from './modules/access-token/personal-access-token.service';
import { ResourceAccessTokenService } from './modules/access-token/resource-access-token.service';
import { TokenLifecycle } from './modules/access-token/token-lifecycle';
import { GroupService } from './modules/group/group.service';
import { MemberService } from './modules/member/member.service';
import { NamespaceService } from './modules/namespace/namespace.service';
import { ProjectService } from './modules/project/project.service';
import { UserService } from './modules/user/user.service';
import { ProjectFeaturesService } from './modules/project/project-features.service';
import { TopicService } from './modules/topic/topic.service';
import { VisitService } from './modules/frecency/visit.service';
import { DeployTokenService } from './modules/deploy-token/deploy-token.service';
import { GroupLinkService } from './modules/group-link/group-link.service';
import type { AuthThrottle } from './auth/auth-throttle';
import type { Policy } from './policy/policy';
import type { RepositoryStorage } from './modules/repository/repository-storage';
import { ProtectedBranchService } from './modules/repository/protected-branch.service';
import { GitAccessService } from './modules/repository/git-access.service';
import { EventService } from './modules/event/event.service';

/**
 * The application's services. They hold no per-request state (everything per request comes in the
 * context) and receive the services they use in their constructor, so each dependency shows here,
 * in the order they are built: nothing depends on a service built after it.
 */
export interface Services {
  namespaces: NamespaceService;
  projects: ProjectService;
  groups: GroupService;
  members: MemberService;
  users: UserService;
  projectFeatures: ProjectFeaturesService;
  topics: TopicService;
  visits: VisitService;
  tokenLifecycle: TokenLifecycle;
  tokens: PersonalAccessTokenService;
  resourceTokens: ResourceAccessTokenService;
  protectedBranches: ProtectedBranchService;
  gitAccess: GitAccessService;
  deployTokens: DeployTokenService;
  groupLinks: GroupLinkService;
  events: EventService;
}

export function createServices(policy: Policy): Services {
  const namespaces = new NamespaceService({ policy });
  const protectedBranches = new ProtectedBranchService();
  const projects = new ProjectService({ policy, namespaces, protectedBranches });
  const groups = new GroupService({ policy, namespaces, projects });
  const members = new MemberService({ policy });
  const users = new UserService({ namespaces, projects, groups });
  const projectFeatures = new ProjectFeaturesService({ policy, namespaces, projects });
  const topics = new TopicService({ projects });
  const visits = new VisitService({ projects, groups });
  const tokenLifecycle = new TokenLifecycle();
  const tokens = new PersonalAccessTokenService({ lifecycle: tokenLifecycle });
  const resourceTokens = new ResourceAccessTokenService({ lifecycle: tokenLifecycle, projects, groups, users, members });
  const gitAccess = new GitAccessService({ projects, projectFeatures, namespaces, protectedBranches });
  const deployTokens = new DeployTokenService({ policy, projects, groups });
  const groupLinks = new GroupLinkService({ policy });
  const events = new EventService();
  return { namespaces, projects, groups, members, users, projectFeatures, topics, visits, tokenLifecycle, tokens, resourceTokens, protectedBranches, gitAccess, deployTokens, groupLinks, events };
}

declare module './core/context' {
  // What the layers above the core add to the application core.
  interface AppServices extends Services {}

  interface AppCore {
    policy: Policy;
    /** The projects' bare Git repositories. */
    repositories: RepositoryStorage;
    /** Failed-authentication ban per client address (HTTP server only; null when disabled). */
    authThrottle?: AuthThrottle | null;
  }
}
