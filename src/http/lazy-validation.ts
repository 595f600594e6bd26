import type { ValidatorCompiler, ValidatorFactory } from '@fastify/ajv-compiler';

type RouteValidator = ReturnType<ValidatorCompiler>;

/**
 * Fastify's own validator factory (Ajv through @fastify/ajv-compiler), with each route's validator
 * compiled on the route's first request instead of when the server starts. Fastify compiles the
 * JSON schemas of every route as it registers them, and the REST API's routes made that a tenth of the
 * start-up time; most processes serve a few of them. The first request to a route pays its compilation
 * (a few milliseconds) once, and Ajv itself is loaded and set up on the first request that needs it.
 *
 * Fastify reads two things from a validator besides calling it: `errors` after a failure, and
 * `schemaEnv` (Ajv's marker that the validator may replace the whole value, as coercion of a query
 * string does) before the call. The wrapper forwards both from the compiled function.
 */
export function lazyValidatorFactory(): ValidatorFactory {
  let eager: ValidatorFactory | undefined;
  return ((externalSchemas, options) => {
    let compile: ValidatorCompiler | undefined;
    return (route) => {
      let compiled: RouteValidator | undefined;
      const real = () => {
        if (!compiled) {
          eager ??= (require('@fastify/ajv-compiler') as () => ValidatorFactory)();
          compile ??= eager(externalSchemas, options);
          compiled = compile(route);
        }
        return compiled;
      };
      const validate = function (this: unknown, ...args: unknown[]) {
        const fn = real() as (...a: unknown[]) => unknown;
        const result = fn.apply(this, args);
        (validate as { errors?: unknown }).errors = (fn as { errors?: unknown }).errors;
        return result;
      };
      Object.defineProperty(validate, 'schemaEnv', { get: () => (real() as { schemaEnv?: unknown }).schemaEnv });
      return validate as unknown as RouteValidator;
    };
  }) as ValidatorFactory;
}
