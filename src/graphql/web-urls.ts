import type { RequestContext } from '../core/context';

/** `/path` of a page of the instance, as GitLab's `webPath` fields give it. */
export function webPath(path: string): string {
  return `/${path}`;
}

/** Absolute URL of a page of the instance, from `LABGATE_URL`. */
export function webUrl(ctx: RequestContext, path: string): string {
  return `${ctx.app.config.externalUrl}/${path}`;
}
