/** GitLab's numeric roles (`Gitlab::Access`). */
export const NO_ACCESS = 0;
export const MINIMAL_ACCESS = 5;
export const GUEST = 10;
export const PLANNER = 15;
export const REPORTER = 20;
export const DEVELOPER = 30;
export const MAINTAINER = 40;
export const OWNER = 50;
export const ADMIN = 60;

export const ACCESS_LEVEL_NAMES: Record<number, string> = {
  [NO_ACCESS]: 'NO_ACCESS',
  [MINIMAL_ACCESS]: 'MINIMAL_ACCESS',
  [GUEST]: 'GUEST',
  [PLANNER]: 'PLANNER',
  [REPORTER]: 'REPORTER',
  [DEVELOPER]: 'DEVELOPER',
  [MAINTAINER]: 'MAINTAINER',
  [OWNER]: 'OWNER',
  [ADMIN]: 'ADMIN',
};

const HUMAN_NAMES: Record<number, string> = {
  [NO_ACCESS]: 'No access',
  [MINIMAL_ACCESS]: 'Minimal Access',
  [GUEST]: 'Guest',
  [PLANNER]: 'Planner',
  [REPORTER]: 'Reporter',
  [DEVELOPER]: 'Developer',
  [MAINTAINER]: 'Maintainer',
  [OWNER]: 'Owner',
  [ADMIN]: 'Admin',
};

/** The roles a membership (and so a resource access token) may have. */
export const MEMBER_ACCESS_LEVELS = [GUEST, PLANNER, REPORTER, DEVELOPER, MAINTAINER, OWNER] as const;

export function humanAccess(level: number): string {
  return HUMAN_NAMES[level] ?? 'No access';
}

/** `guest|planner|...|owner` (case-insensitive) or a number → level; undefined when not a member role. */
export function parseMemberAccessLevel(value: string | number): number | undefined {
  if (typeof value === 'number' || /^\d+$/.test(value)) {
    const n = Number(value);
    return (MEMBER_ACCESS_LEVELS as readonly number[]).includes(n) ? n : undefined;
  }
  const entry = Object.entries(ACCESS_LEVEL_NAMES).find(([, name]) => name === value.toUpperCase());
  if (!entry) return undefined;
  const n = Number(entry[0]);
  return (MEMBER_ACCESS_LEVELS as readonly number[]).includes(n) ? n : undefined;
}

/**
 * May someone holding `holder` hand out `requested`? GitLab's `Authz::Role.access_level_encompasses?`:
 * not a plain comparison, because Planner sits beside the Reporter/Developer/Maintainer line: only
 * Owners and Planners may grant Planner, and a Planner may grant nothing but Planner and Guest.
 */
export function accessLevelEncompasses(holder: number, requested: number): boolean {
  if (holder === requested) return holder >= GUEST;
  if (holder >= OWNER) return true;
  if (requested === GUEST) return holder >= GUEST;
  if (holder === PLANNER || requested === PLANNER) return false;
  return requested >= GUEST && requested < holder;
}
