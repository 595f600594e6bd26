/**
 * Issue 9: `--token-only` on the commands that issue a token (`tokens`, `project-tokens` and
 * `group-tokens`, `create` and `rotate`) prints the plaintext alone, one line, so that a shell can keep
 * it: `TOKEN=$(labgate tokens create ... --token-only)`, as the README's quick start does.
 */
import { expectInvalidToken, expectTokenWorks, snapshot, useWorld, WHO_AM_I } from '../e2e/access-tokens/fixtures';

const SECRET_LINE = /^glpat-[A-Za-z0-9_-]{20}\n$/;

describe('labgate ... --token-only', () => {
  const { h, w } = useWorld({ clockAt: '2026-01-15T12:00:00.000Z' });

  /** Runs a command that must succeed and print only a secret; returns the secret. */
  async function secretFrom(args: string[]): Promise<string> {
    const res = await h.cli(args);
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    expect(res.out).toMatch(SECRET_LINE);
    return res.out.trim();
  }

  async function idOfLatestToken(kind: 'project' | 'group', path: string): Promise<number> {
    const list = await h.cli([`${kind}-tokens`, 'list', `--${kind}`, path, '--json']);
    return list.json[list.json.length - 1].id;
  }

  it('tokens create and rotate print a working secret', async () => {
    const created = await secretFrom(['tokens', 'create', '--user', w.dev.username, '--name', 'cli', '--scopes', 'api', '--token-only']);
    await expectTokenWorks(h, created, w.dev.username);

    const [listed] = (await h.cli(['tokens', 'list', '--user', w.dev.username, '--state', 'active', '--json'])).json.filter((t: any) => t.name === 'cli');
    const rotated = await secretFrom(['tokens', 'rotate', '--id', String(listed.id), '--token-only']);
    expect(rotated).not.toBe(created);
    await expectTokenWorks(h, rotated, w.dev.username);
    expectInvalidToken(await h.gql(WHO_AM_I, {}, { token: created }));
  });

  it.each(['project', 'group'] as const)('%s-tokens create and rotate print a working secret of the bot', async (kind) => {
    const path = kind === 'project' ? w.project.fullPath : w.group.fullPath;
    const created = await secretFrom([`${kind}-tokens`, 'create', `--${kind}`, path, '--name', 'ci', '--scopes', 'api', '--token-only']);
    await expectTokenWorks(h, created);

    const rotated = await secretFrom([`${kind}-tokens`, 'rotate', `--${kind}`, path, '--id', String(await idOfLatestToken(kind, path)), '--token-only']);
    await expectTokenWorks(h, rotated);
    expectInvalidToken(await h.gql(WHO_AM_I, {}, { token: created }));
  });

  it('is refused with --json, before anything is written', async () => {
    const before = await snapshot(h);
    const res = await h.cli(['tokens', 'create', '--user', w.dev.username, '--name', 'cli', '--scopes', 'api', '--token-only', '--json']);
    expect(res.code).toBe(2);
    expect(res.out).toBe('');
    expect(res.err.trim()).toBe('labgate: give --json or --token-only, not both');
    expect(await snapshot(h)).toEqual(before);
  });

  it('is not an option of commands that issue no token', async () => {
    for (const args of [
      ['tokens', 'list', '--user', w.dev.username, '--token-only'],
      ['tokens', 'revoke', '--id', '1', '--token-only'],
      ['project-tokens', 'list', '--project', w.project.fullPath, '--token-only'],
    ]) {
      const res = await h.cli(args);
      expect(res.code).toBe(2);
      expect(res.err.trim()).toBe('labgate: unknown option --token-only');
    }
  });

  it('is listed in the help of the commands that take it', async () => {
    expect((await h.cli(['tokens', 'create', '--help'])).out).toMatch(/^ {2}--token-only {2,}print only the new token/m);
    expect((await h.cli(['group-tokens', 'rotate', '--help'])).out).toContain('--token-only');
    expect((await h.cli(['project-tokens', 'list', '--help'])).out).not.toContain('--token-only');
  });
});
