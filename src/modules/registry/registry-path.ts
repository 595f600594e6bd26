import { REGISTRY_IMAGE_EXTRA_LEVELS, REGISTRY_PATH_MAX_COMPONENTS } from '../../core/limits';

/**
 * Repository paths of the container registry (GitLab's `ContainerRegistry::Path`): a project's full
 * path, optionally followed by an image name of up to two levels (`acme/api`, `acme/api/app`,
 * `acme/api/app/worker`), always lower case.
 */

/**
 * Distribution's repository name grammar: lower-case alphanumeric parts joined by `.`, `_`, `__` or
 * runs of `-`, in `/`-separated components.
 */
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY_NAME = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);

/** The path lower-cased, or null when it is not a valid repository path. */
export function registryPath(raw: string): string | null {
  const path = raw.toLowerCase();
  if (!REPOSITORY_NAME.test(path)) return null;
  const parts = path.split('/').length;
  if (parts <= 1 || parts >= REGISTRY_PATH_MAX_COMPONENTS) return null;
  return path;
}

/**
 * The project paths a repository path may belong to, longest first: itself and the path without its
 * last one or two components (never a single component: a project has a namespace).
 */
export function candidateProjectPaths(path: string): string[] {
  const parts = path.split('/');
  const candidates: string[] = [];
  for (let drop = 0; drop <= REGISTRY_IMAGE_EXTRA_LEVELS && parts.length - drop >= 2; drop++) {
    candidates.push(parts.slice(0, parts.length - drop).join('/'));
  }
  return candidates;
}
