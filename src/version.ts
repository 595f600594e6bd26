import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Labgate's own version, from package.json. */
export const LABGATE_VERSION: string = (() => {
  for (const dir of [__dirname, path.join(__dirname, '..'), path.join(__dirname, '..', '..')]) {
    try {
      return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version as string;
    } catch {
      // not here; try the parent (sources run from src/, builds from dist/src/)
    }
  }
  return '0.0.0';
})();

/** The GitLab release whose GraphQL schema Labgate follows (`reference/gitlab-schema.graphql`). */
export const GITLAB_API_VERSION = '18.6.0';
