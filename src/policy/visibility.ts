export const PRIVATE = 0;
export const INTERNAL = 10;
export const PUBLIC = 20;

export type VisibilityName = 'private' | 'internal' | 'public';

const BY_NAME: Record<VisibilityName, number> = { private: PRIVATE, internal: INTERNAL, public: PUBLIC };

export function visibilityName(level: number): VisibilityName {
  if (level >= PUBLIC) return 'public';
  if (level >= INTERNAL) return 'internal';
  return 'private';
}

export function parseVisibility(value: string): number | undefined {
  const name = value.toLowerCase();
  return Object.hasOwn(BY_NAME, name) ? BY_NAME[name as VisibilityName] : undefined;
}
