import path from 'node:path';
import ts from 'typescript';
import { FAILURE_CODES } from '../../src/core/failure-codes';
import { ResourceNotAvailableError, ServiceError, ArgumentError, RequestTimeoutError } from '../../src/core/errors';
import { graphqlFailureShape } from '../../src/graphql/failure-shapes';
import { restFailure } from '../../src/rest/failure-statuses';

/**
 * Every transport maps every failure code (src/core/failure-codes.ts) in one exhaustive switch, so that a
 * code added without a mapping fails to compile. Checked here with the TypeScript compiler: each
 * transport's mapping file is typechecked once as it is (no error) and once against a copy of the
 * codes with one more code (an error in that very file).
 */
const ROOT = path.resolve(__dirname, '../..');
const CODES_FILE = path.join(ROOT, 'src/core/failure-codes.ts');
const MAPPINGS = {
  GraphQL: path.join(ROOT, 'src/graphql/failure-shapes.ts'),
  REST: path.join(ROOT, 'src/rest/failure-statuses.ts'),
};

function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  return { ...parsed.options, noEmit: true, incremental: false, composite: false };
}

/** The diagnostics of `file`, compiled with the failure codes' source replaced by `codesSource`. */
function diagnosticsOf(file: string, codesSource: string): string[] {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => (path.resolve(name) === CODES_FILE ? codesSource : readFile(name));
  host.getSourceFile = (name, languageVersion, onError, shouldCreate) =>
    path.resolve(name) === CODES_FILE ? ts.createSourceFile(name, codesSource, languageVersion, true) : getSourceFile(name, languageVersion, onError, shouldCreate);
  const program = ts.createProgram([file], options, host);
  const source = program.getSourceFile(file)!;
  return [...program.getSemanticDiagnostics(source), ...program.getSyntacticDiagnostics(source)].map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('failure codes: one exhaustive mapping per transport', () => {
  const original = ts.sys.readFile(CODES_FILE)!;
  const withNewCode = original.replace("  'timeout',\n] as const;", "  'timeout',\n  'teapot',\n] as const;");

  it('the copy with one more code differs from the codes as they are', () => {
    expect(withNewCode).not.toBe(original);
    expect(withNewCode).toContain("'teapot'");
  });

  for (const [transport, file] of Object.entries(MAPPINGS)) {
    it(`${transport}: compiles as it is, and not once a code is added without a mapping`, () => {
      expect(diagnosticsOf(file, original)).toEqual([]);
      const errors = diagnosticsOf(file, withNewCode);
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.join('\n')).toMatch(/"teapot"[^]*never|never[^]*"teapot"/);
    });
  }

  it('each code has its answer in each transport', () => {
    const answers = FAILURE_CODES.map((code) => {
      const rest = restFailure({ code, messages: ['Something went wrong'], field: 'user_id' });
      return [code, graphqlFailureShape(code), rest.status, rest.body];
    });
    expect(answers).toEqual([
      ['not_available', { extensionCode: 'RESOURCE_NOT_AVAILABLE', inPayload: false }, 404, { message: '404 Not Found' }],
      ['invalid_argument', { extensionCode: 'BAD_USER_INPUT', inPayload: false }, 400, { error: 'Something went wrong' }],
      ['rule', { extensionCode: 'BAD_USER_INPUT', inPayload: true }, 400, { message: '400 Bad request - Something went wrong' }],
      ['conflict', { extensionCode: 'BAD_USER_INPUT', inPayload: true }, 409, { message: 'Something went wrong' }],
      ['forbidden', { extensionCode: 'BAD_USER_INPUT', inPayload: true }, 403, { message: '403 Forbidden' }],
      ['not_found', { extensionCode: 'BAD_USER_INPUT', inPayload: true }, 404, { message: '404 Not found' }],
      ['invalid_field', { extensionCode: 'BAD_USER_INPUT', inPayload: true }, 400, { message: { user_id: ['Something went wrong'] } }],
      ['timeout', { extensionCode: 'REQUEST_TIMEOUT', inPayload: false }, 503, { message: 'Request timed out. Please try a less complex query or a smaller set of records.' }],
    ]);
  });

  it('the error classes carry their codes', () => {
    const errors = [new ResourceNotAvailableError(), new ArgumentError('bad'), new ServiceError('Member already exists', 'conflict'), new ServiceError('x'), new RequestTimeoutError()];
    expect(errors.map((e) => [e.code, graphqlFailureShape(e.code).extensionCode])).toEqual([
      ['not_available', 'RESOURCE_NOT_AVAILABLE'],
      ['invalid_argument', 'BAD_USER_INPUT'],
      ['conflict', 'BAD_USER_INPUT'],
      ['rule', 'BAD_USER_INPUT'],
      ['timeout', 'REQUEST_TIMEOUT'],
    ]);
  });
});
