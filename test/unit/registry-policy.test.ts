import 'reflect-metadata';
import { ANONYMOUS, projectAbilities, type ActorFacts, type ProjectFacts } from '../../src/policy/abilities';
import { humanActor, projectFacts } from '../helpers/policy-facts';
import { DEVELOPER, GUEST, MAINTAINER, NO_ACCESS, OWNER, PLANNER, REPORTER } from '../../src/policy/access-level';
import { FEATURE_LEVELS } from '../../src/modules/project/project-settings.data';
import { INTERNAL, PRIVATE, PUBLIC } from '../../src/policy/visibility';

/** The container image abilities of GitLab's project policy, as plain facts in and abilities out. */

const user = (extra: Partial<ActorFacts> = {}): ActorFacts => humanActor(1, extra);
const project = projectFacts;

const IMAGE_ABILITIES = ['read_container_image', 'create_container_image', 'update_container_image', 'destroy_container_image', 'destroy_container_image_tag', 'admin_container_image'];
const images = (actor: ActorFacts, facts: Partial<ProjectFacts>) => IMAGE_ABILITIES.filter((a) => projectAbilities(actor, project(facts)).has(a as never));

const READ = ['read_container_image'];
const WRITE = [...READ, 'create_container_image', 'update_container_image', 'destroy_container_image', 'destroy_container_image_tag'];
const ALL = [...WRITE, 'admin_container_image'];

describe('container image abilities (ProjectPolicy)', () => {
  const rows: Array<[string, ActorFacts, number, number, string[]]> = [];
  const visibilities: Array<[string, number]> = [
    ['public', PUBLIC],
    ['internal', INTERNAL],
    ['private', PRIVATE],
  ];
  const expected: Record<string, (v: number) => string[]> = {
    anonymous: (v) => (v === PUBLIC ? READ : []),
    'signed-in non-member': (v) => (v >= INTERNAL ? READ : []),
    'external non-member': (v) => (v === PUBLIC ? READ : []),
    'external Guest': (v) => (v >= INTERNAL ? READ : []),
    Guest: (v) => (v >= INTERNAL ? READ : []),
    Planner: (v) => (v >= INTERNAL ? READ : []),
    Reporter: () => READ,
    Developer: () => WRITE,
    Maintainer: () => ALL,
    Owner: () => ALL,
    admin: () => ALL,
  };
  const actors: Record<string, [ActorFacts, number]> = {
    anonymous: [ANONYMOUS, NO_ACCESS],
    'signed-in non-member': [user(), NO_ACCESS],
    'external non-member': [user({ external: true }), NO_ACCESS],
    'external Guest': [user({ external: true }), GUEST],
    Guest: [user(), GUEST],
    Planner: [user(), PLANNER],
    Reporter: [user(), REPORTER],
    Developer: [user(), DEVELOPER],
    Maintainer: [user(), MAINTAINER],
    Owner: [user(), OWNER],
    admin: [user({ admin: true }), NO_ACCESS],
  };
  for (const [name, [actor, level]] of Object.entries(actors)) for (const [, v] of visibilities) rows.push([name, actor, level, v, expected[name](v)]);

  it.each(rows)('%s on a project of visibility %#: registry open to everyone with access', (_name, actor, accessLevel, visibilityLevel, abilities) => {
    expect(images(actor, { accessLevel, visibilityLevel })).toEqual(abilities);
  });

  it('registry private: only Reporters and above (and administrators), whatever the visibility', () => {
    const level = FEATURE_LEVELS.PRIVATE;
    expect(images(ANONYMOUS, { visibilityLevel: PUBLIC, containerRegistryAccessLevel: level })).toEqual([]);
    expect(images(user(), { visibilityLevel: PUBLIC, containerRegistryAccessLevel: level })).toEqual([]);
    expect(images(user(), { visibilityLevel: PUBLIC, accessLevel: GUEST, containerRegistryAccessLevel: level })).toEqual([]);
    expect(images(user(), { visibilityLevel: PUBLIC, accessLevel: REPORTER, containerRegistryAccessLevel: level })).toEqual(READ);
    expect(images(user(), { accessLevel: DEVELOPER, containerRegistryAccessLevel: level })).toEqual(WRITE);
    expect(images(user({ admin: true }), { containerRegistryAccessLevel: level })).toEqual(ALL);
  });

  it('registry disabled: nobody, administrators included', () => {
    for (const actor of [ANONYMOUS, user({ admin: true })]) expect(images(actor, { visibilityLevel: PUBLIC, accessLevel: OWNER, containerRegistryAccessLevel: FEATURE_LEVELS.DISABLED })).toEqual([]);
  });

  it('archived: pulling stays, pushing, deleting and administering go', () => {
    expect(images(user(), { accessLevel: OWNER, archived: true })).toEqual(READ);
    expect(images(ANONYMOUS, { visibilityLevel: PUBLIC, archived: true })).toEqual(READ);
  });

  it('a project or group bot is a member of its resource only: elsewhere it reads what any signed-in user reads', () => {
    const bot = user({ projectBot: true, human: false });
    expect(images(bot, { visibilityLevel: PRIVATE, accessLevel: DEVELOPER })).toEqual(WRITE);
    expect(images(bot, { visibilityLevel: INTERNAL })).toEqual(READ);
    expect(images(bot, { visibilityLevel: PRIVATE })).toEqual([]);
  });
});
