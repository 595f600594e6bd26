import { PersonalAccessTokenService } from './modules/access-token/personal-access-token.service';
import { ResourceAccessTokenService } from './modules/access-token/resource-access-token.service';
import { GroupService } from './modules/group/group.service';
import { MemberService } from './modules/member/member.service';
import { NamespaceService } from './modules/namespace/namespace.service';
import { ProjectService } from './modules/project/project.service';
import { UserService } from './modules/user/user.service';

/** The application's services. They hold no per-request state: everything comes in the context. */
export interface Services {
  users: UserService;
  namespaces: NamespaceService;
  groups: GroupService;
  projects: ProjectService;
  members: MemberService;
  tokens: PersonalAccessTokenService;
  resourceTokens: ResourceAccessTokenService;
}

export function createServices(): Services {
  return {
    users: new UserService(),
    namespaces: new NamespaceService(),
    groups: new GroupService(),
    projects: new ProjectService(),
    members: new MemberService(),
    tokens: new PersonalAccessTokenService(),
    resourceTokens: new ResourceAccessTokenService(),
  };
}
