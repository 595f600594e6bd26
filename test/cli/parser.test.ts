/**
 * Issue 9, the `labgate` command line on commander: `--flag value` and `--flag=value`, true/false
 * options in every spelling, help per command, `--version`, and usage errors that name what was wrong
 * (exit code 2, one line on stderr, nothing run).
 */
import { useHarness } from '../helpers/harness';
import { COMMANDS } from '../../src/cli/commands';
import { DATA_COMMANDS, TOOL_COMMANDS } from '../../src/cli/program';
import { LABGATE_VERSION } from '../../src/version';
import { User } from '../../src/modules/user/user.entity';

describe('labgate command line', () => {
  const h = useHarness();

  const userCount = () => h.app.dataSource.getRepository(User).count();
  const user = (username: string) => h.app.services.users.findByUsername(h.system(), username);

  /** A usage error: exit 2, exactly `labgate: MESSAGE` on stderr, nothing printed, no user written. */
  async function usageError(args: string[], message: string | RegExp) {
    const before = await userCount();
    const res = await h.cli(args);
    expect(res.code).toBe(2);
    expect(res.out).toBe('');
    const lines = res.err.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    if (typeof message === 'string') expect(lines[0]).toBe(`labgate: ${message}`);
    else expect(lines[0]).toMatch(message);
    expect(await userCount()).toBe(before);
  }

  describe('help and version', () => {
    it('--help lists every command and exits 0; -h and `help` do the same', async () => {
      const res = await h.cli(['--help']);
      expect(res).toMatchObject({ code: 0, err: '' });
      expect(res.out).toMatch(/^Usage: labgate \[options\] \[command\]/);
      for (const name of [...Object.keys(TOOL_COMMANDS), ...Object.keys(DATA_COMMANDS)]) expect(res.out).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
      expect(res.out).toContain('DATABASE_URL');
      expect((await h.cli(['-h'])).out).toBe(res.out);
      expect(await h.cli(['help'])).toMatchObject({ code: 0, out: res.out });
    });

    it('without a command prints the help and exits 2', async () => {
      const res = await h.cli([]);
      expect(res.code).toBe(2);
      expect(res.out).toMatch(/^Usage: labgate/);
    });

    it('--version and -V print the version of package.json', async () => {
      expect(LABGATE_VERSION).toBe(require('../../package.json').version);
      expect(await h.cli(['--version'])).toMatchObject({ code: 0, out: `${LABGATE_VERSION}\n`, err: '' });
      expect(await h.cli(['-V'])).toMatchObject({ code: 0, out: `${LABGATE_VERSION}\n` });
    });

    it('a command group lists its actions', async () => {
      for (const args of [['users', '--help'], ['help', 'users'], ['users', 'help']]) {
        const res = await h.cli(args);
        expect(res.code).toBe(0);
        expect(res.out).toMatch(/^Usage: labgate users <action> \[options\]/);
        expect(res.out).toMatch(/^  create\b.*create a user$/m);
        expect(res.out).toMatch(/^  update\b/m);
      }
    });

    it('each action has its own help, with its options, and runs nothing', async () => {
      const before = await userCount();
      for (const flag of ['--help', '-h']) {
        const res = await h.cli(['users', 'create', '--username', 'nobody', flag]);
        expect(res).toMatchObject({ code: 0, err: '' });
        expect(res.out).toMatch(/^Usage: labgate users create \[options\]/);
        expect(res.out).toContain('--username <username>');
        expect(res.out).toMatch(/^  --admin  +make the user an administrator$/m);
        expect(res.out).toMatch(/^  --json  /m);
        expect(res.out).toContain('--as <username>');
      }
      expect((await h.cli(['users', 'update', '--help'])).out).toContain('--admin [true|false]');
      expect((await h.cli(['backup', '--help'])).out).toContain('--to <file>');
      expect((await h.cli(['cleanup', '--help'])).out).toMatch(/^  --dry-run  /m);
      expect(await userCount()).toBe(before);
    });

    it('every command function is declared on the command line, and every declaration has a function', () => {
      const declared = Object.entries(DATA_COMMANDS).flatMap(([name, spec]) => ('actions' in spec ? Object.keys(spec.actions).map((a) => `${name} ${a}`) : [name]));
      const implemented = Object.entries(COMMANDS).flatMap(([name, entry]) => (typeof entry === 'function' ? [name] : Object.keys(entry).map((a) => `${name} ${a}`)));
      expect(declared.sort()).toEqual(implemented.sort());
    });
  });

  describe('option values', () => {
    it('takes `--flag value` and `--flag=value` alike', async () => {
      const res = await h.cli(['users', 'create', '--username=eve', '--name', 'Eve Example', '--email=eve@example.org', '--json']);
      expect(res.code).toBe(0);
      expect(res.json).toMatchObject({ username: 'eve', name: 'Eve Example', email: 'eve@example.org', admin: false });
      const spaced = await h.cli(['users', 'create', '--username', 'frank', '--name=Frank = Frank']);
      expect(spaced.code).toBe(0);
      expect(await user('frank')).toMatchObject({ name: 'Frank = Frank' });
    });

    it('accepts true/false options as `--admin`, `--admin true`, `--admin=false`', async () => {
      const update = async (...args: string[]) => {
        const res = await h.cli(['users', 'update', '--username', 'eve', ...args]);
        expect(res).toMatchObject({ code: 0, err: '' });
        return user('eve');
      };
      expect(await update('--admin', 'true')).toMatchObject({ admin: true }); // as README writes it
      expect(await update('--admin=false')).toMatchObject({ admin: false });
      expect(await update('--admin')).toMatchObject({ admin: true });
      expect(await update('--admin', 'false', '--external=true')).toMatchObject({ admin: false, external: true });
      expect(await update('--external', '--admin')).toMatchObject({ admin: true, external: true });
      expect((await h.cli(['users', 'create', '--username', 'gina', '--admin=true', '--external', 'false', '--json'])).json).toMatchObject({ admin: true, external: false });
      expect((await h.cli(['users', 'create', '--username', 'hank', '--admin', '--json'])).json).toMatchObject({ admin: true });
      await usageError(['users', 'update', '--username', 'eve', '--admin', 'maybe'], '--admin must be true or false');
      await usageError(['users', 'create', '--username', 'ivan', '--admin=yes'], '--admin must be true or false');
    });

    it('names a missing value, a repeated option and a stray argument', async () => {
      await usageError(['users', 'create', '--username'], '--username needs a value');
      await usageError(['users', 'create', '--username', '--json'], '--username needs a value');
      await usageError(['users', 'create', '--username', 'a', '--username', 'b'], '--username given twice');
      await usageError(['users', 'create', 'extra', '--username', 'jane'], 'unexpected argument "extra"');
      await usageError(['users', 'update', '--username', 'eve', '--admin', 'true', 'false'], 'unexpected argument "false"');
    });
  });

  describe('usage errors name what was wrong', () => {
    it('an unknown option, in either spelling', async () => {
      await usageError(['users', 'create', '--username', 'kim', '--colour', 'blue'], 'unknown option --colour');
      await usageError(['users', 'create', '--username', 'kim', '--colour=blue'], 'unknown option --colour');
      await usageError(['tokens', 'list', '--user', 'eve', '-x'], "unknown option -x");
      // An option of another command is unknown here.
      await usageError(['tokens', 'revoke', '--id', '1', '--project', 'a/b'], 'unknown option --project');
      expect(await user('kim')).toBeNull();
    });

    it('an unknown command, and a similar one when there is one', async () => {
      await usageError(['frobnicate'], 'unknown command "frobnicate"');
      await usageError(['user', 'create'], /^labgate: unknown command "user" \(Did you mean users\?\)$/);
    });

    it('a missing or unknown action, with the actions there are', async () => {
      await usageError(['users'], 'users needs an action: create, update');
      await usageError(['project-tokens'], 'project-tokens needs an action: create, list, revoke, rotate');
      await usageError(['users', 'delete', '--username', 'eve'], 'unknown action "delete" for users (actions: create, update)');
      await usageError(['members', '--user', 'eve'], 'members needs an action: add, update, remove');
    });
  });
});
