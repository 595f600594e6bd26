import { GITLAB_API_VERSION, LABGATE_VERSION } from '../../version';
import type { RestRoute } from '../route';

/**
 * `GET /version` and `GET /metadata` (`lib/api/metadata.rb`): which GitLab API this instance serves.
 * Clients such as the GitLab Terraform provider read it to decide which features to use.
 */
const versionInfo = () => ({ version: GITLAB_API_VERSION, revision: `labgate-${LABGATE_VERSION}` });
const common = { auth: 'required', permission: 'read_metadata', boundary: 'instance', tags: ['metadata'] } satisfies Partial<RestRoute>;

export const METADATA_ROUTES: RestRoute[] = [
  {
    ...common,
    method: 'GET',
    url: '/version',
    operationId: 'getVersion',
    summary: 'The GitLab version whose API this instance serves.',
    success: { status: 200, description: 'Version and revision.', schema: { type: 'object', properties: { version: { type: 'string' }, revision: { type: 'string' } } } },
    errors: { 401: 'Not authenticated' },
    handler: async () => versionInfo(),
  },
  {
    ...common,
    method: 'GET',
    url: '/metadata',
    operationId: 'getMetadata',
    summary: 'About this instance: version, revision, edition, and the (absent) Kubernetes agent server.',
    success: {
      status: 200,
      description: 'The instance metadata.',
      schema: { type: 'object', properties: { version: { type: 'string' }, revision: { type: 'string' }, enterprise: { type: 'boolean' }, kas: { type: 'object' } } },
    },
    errors: { 401: 'Not authenticated' },
    handler: async () => ({
      ...versionInfo(),
      kas: { enabled: false, externalUrl: null, externalK8sProxyUrl: null, version: null },
      enterprise: false,
    }),
  },
];
