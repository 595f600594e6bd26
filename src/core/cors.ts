import type { Config } from '../config';

/**
 * CORS of the APIs (GraphQL and REST; GitLab answers CORS for `/api/*` only): any origin or the
 * configured ones, no credentials, the headers an API client sends, preflights kept two hours. Each
 * API adds its methods and the response headers it exposes beyond `X-Request-Id`.
 */
export function apiCorsOptions(config: Pick<Config, 'corsOrigins'>, api: { methods: string[]; exposedHeaders?: readonly string[] }) {
  return {
    origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins,
    credentials: false,
    methods: api.methods,
    allowedHeaders: ['Authorization', 'PRIVATE-TOKEN', 'Content-Type', 'X-Request-Id', 'X-Requested-With'],
    exposedHeaders: ['X-Request-Id', ...(api.exposedHeaders ?? [])],
    maxAge: 7200,
  };
}
