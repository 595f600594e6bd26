import { Member } from '../../src/modules/member/member.entity';
import { Project } from '../../src/modules/project/project.entity';
import type { User } from '../../src/modules/user/user.entity';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { Harness } from './harness';

export interface Crowd {
  users: User[];
  groups: Namespace[];
  projectCount: number;
}

/**
 * A public instance large enough to hurt a server that does not bound its requests: `groups` groups
 * of `projectsPerGroup` projects each, and `users` users who are Developers of every group. Users and
 * groups go through the services; projects and memberships are inserted in bulk.
 */
export async function seedCrowd(h: Harness, size: { groups: number; projectsPerGroup: number; users: number }): Promise<Crowd> {
  const users: User[] = [];
  for (let i = 0; i < size.users; i++) users.push(await h.createUser(`crowd-user-${i}`));
  const groups: Namespace[] = [];
  for (let i = 0; i < size.groups; i++) groups.push(await h.createGroup(`crowd-${i}`, { visibility: 'public' }));

  const ds = h.app.dataSource;
  const now = h.clock.now();
  const inChunks = async <T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>) => {
    for (let i = 0; i < rows.length; i += 200) await insert(rows.slice(i, i + 200));
  };

  const projects = groups.flatMap((group) =>
    Array.from({ length: size.projectsPerGroup }, (_, i) => ({
      name: `Project ${i}`,
      path: `project-${i}`,
      fullPath: `${group.fullPath}/project-${i}`,
      namespaceId: group.id,
      description: null,
      visibilityLevel: 20,
      archived: false,
      requestAccessEnabled: true,
      creatorId: null,
      createdAt: now,
      updatedAt: now,
      lastActivityAt: now,
    })),
  );
  await inChunks(projects, (chunk) => ds.getRepository(Project).insert(chunk));

  const members = groups.flatMap((group) =>
    users.map((user) => ({
      sourceType: 'Namespace' as const,
      sourceId: group.id,
      userId: user.id,
      accessLevel: 30,
      expiresAt: null,
      createdById: null,
      createdAt: now,
      updatedAt: now,
    })),
  );
  await inChunks(members, (chunk) => ds.getRepository(Member).insert(chunk));
  return { users, groups, projectCount: projects.length };
}
