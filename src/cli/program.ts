import { Command, CommanderError, Help, Option } from 'commander';
import { LABGATE_VERSION } from '../version';
import { UsageError, type FlagValues } from './args';

/**
 * The `labgate` command line, declared for commander: every command, its options and their help.
 * Commander parses and writes the help; the command functions (commands.ts, main.ts) read the values
 * through `Flags`, which also checks the values themselves (numbers, dates, true|false).
 *
 * An option is written as commander spells it: `--user <username>` takes a value; a bare `--admin` is a
 * switch, which also accepts a value (`--admin true`, `--admin=false`) so that one spelling works for
 * every true/false option; `--archived [true|false]` is the same, shown with its values in the help.
 */
type OptionSpec = readonly [flags: string, help: string];

interface ActionSpec {
  summary: string;
  options: readonly OptionSpec[];
}

interface GroupSpec {
  summary: string;
  actions: Record<string, ActionSpec>;
}

/** Options every data command takes (those that act through the services). */
const DATA_OPTIONS: readonly OptionSpec[] = [
  ['--json', 'print the result as JSON'],
  ['--as <username>', 'act as this user, under the same rules as the API (default: the instance administrator)'],
];

const LEVELS = 'guest|planner|reporter|developer|maintainer|owner';
const EXPIRES_AT: OptionSpec = ['--expires-at <YYYY-MM-DD>', 'expiry date'];
/** On the commands that issue a token: its plaintext alone, so a script can keep it in a variable. */
const TOKEN_ONLY: OptionSpec = ['--token-only', 'print only the new token, as in TOKEN=$(labgate ... --token-only)'];
const MEMBER_SOURCE: readonly OptionSpec[] = [
  ['--project <full-path>', 'the project (give --project or --group)'],
  ['--group <full-path>', 'the group (give --project or --group)'],
];

/** Commands that manage the instance rather than its data. */
export const TOOL_COMMANDS = {
  serve: {
    summary: 'serve the GraphQL API (what npm start runs)',
    options: [
      ['--port <n>', 'port to listen on (default: PORT or 3000)'],
      ['--host <host>', 'address to listen on (default: HOST or 127.0.0.1)'],
      ['--workers <n>', 'processes sharing the port, one per core is typical (default: LABGATE_WORKERS or 1)'],
    ],
  },
  migrate: { summary: 'bring the database schema up to date', options: [['--json', 'print the applied migrations as JSON']] },
  schema: { summary: 'print the GraphQL schema (SDL)', options: [['--introspection', 'print the introspection result as JSON instead']] },
  backup: {
    summary: 'copy the SQLite database to a file, safely while the server runs',
    options: [
      ['--to <file>', 'where to write the copy (required)'],
      ['--force', 'replace the file if it exists'],
      ['--json', 'print the result as JSON'],
    ],
  },
  seed: {
    summary: 'fill the database with a realistic instance of about N projects (for benchmarks); prints ready tokens and paths as JSON',
    options: [
      ['--scale <n>', 'about how many projects to create (required)'],
      ['--seed <n>', 'seed of the generator: the same seed gives the same instance (default: 1)'],
      ['--json', 'print the result as JSON (the default)'],
    ],
  },
} satisfies Record<string, ActionSpec>;

function resourceTokenActions(kind: 'project' | 'group'): Record<string, ActionSpec> {
  const target: OptionSpec = [`--${kind} <full-path>`, `the ${kind} (required)`];
  const id: OptionSpec = ['--id <n>', 'token id (required)'];
  return {
    create: {
      summary: `create a ${kind} access token and its bot user; prints the token once`,
      options: [
        target,
        ['--name <name>', 'token name (required)'],
        ['--scopes <s1,s2>', 'comma-separated scopes, e.g. api,read_repository (required)'],
        ['--access-level <level>', `role of the bot: ${LEVELS} or a number (default: maintainer)`],
        ['--expires-at <YYYY-MM-DD>', 'expiry date (default: a year from today)'],
        ['--description <text>', 'token description'],
        TOKEN_ONLY,
      ],
    },
    list: { summary: `list the ${kind}'s access tokens`, options: [target, ['--state <active|inactive>', 'only tokens in this state']] },
    revoke: { summary: `revoke a ${kind} access token`, options: [target, id] },
    rotate: { summary: `revoke a ${kind} access token and issue its replacement`, options: [target, id, EXPIRES_AT, TOKEN_ONLY] },
  };
}

/** Commands that act through the services, as `group action` (or a single word). */
export const DATA_COMMANDS: Record<string, GroupSpec | ActionSpec> = {
  users: {
    summary: 'create and update users',
    actions: {
      create: {
        summary: 'create a user',
        options: [
          ['--username <username>', 'username (required)'],
          ['--name <name>', 'display name (default: the username)'],
          ['--email <email>', 'e-mail address (default: USERNAME@example.com)'],
          ['--admin', 'make the user an administrator'],
          ['--external', 'make the user external'],
        ],
      },
      update: {
        summary: "change a user's state, role or name",
        options: [
          ['--username <username>', 'the user (required)'],
          ['--state <active|blocked|deactivated>', 'new state'],
          ['--admin [true|false]', 'administrator or not'],
          ['--external [true|false]', 'external or not'],
          ['--name <name>', 'new display name'],
          ['--status <message>', 'status message (the user themselves or an administrator; "" with no other status option clears it)'],
          ['--status-emoji <name>', 'status emoji name, e.g. coffee (default with a message: speech_balloon)'],
          ['--busy [true|false]', 'show the user as busy'],
          ['--status-clear-at <time>', 'when the status clears by itself (ISO 8601)'],
        ],
      },
    },
  },
  groups: {
    summary: 'create groups and change their settings',
    actions: {
      create: {
        summary: 'create a group or subgroup',
        options: [
          ['--path <path>', 'path (required)'],
          ['--parent <full-path>', 'parent group, for a subgroup'],
          ['--name <name>', 'display name (default: the path)'],
          ['--visibility <private|internal|public>', 'visibility (default: private)'],
          ['--description <text>', 'description'],
          ['--owner <username>', 'make this user an owner'],
          ['--plan <free|premium|ultimate>', 'plan of a top-level group'],
          ['--trial', 'the plan is a trial'],
          ['--project-creation-level <noone|maintainer|developer|administrator|owner>', 'who may create projects'],
          ['--subgroup-creation-level <owner|maintainer>', 'who may create subgroups'],
        ],
      },
      update: {
        summary: "change a group's settings",
        options: [
          ['--group <full-path>', 'the group (required)'],
          ['--resource-access-token-creation-allowed [true|false]', 'whether project and group access tokens may be created'],
          ['--archived [true|false]', 'archive or unarchive the group (owners)'],
        ],
      },
      delete: { summary: 'schedule a group for deletion (deleted after 7 days unless restored)', options: [['--group <full-path>', 'the group (required)']] },
      restore: { summary: 'cancel the scheduled deletion of a group', options: [['--group <full-path>', 'the group (required)']] },
    },
  },
  projects: {
    summary: 'create, fork, archive, tag, delete and restore projects',
    actions: {
      create: {
        summary: 'create a project',
        options: [
          ['--path <path>', 'path (required)'],
          ['--namespace <full-path-or-username>', 'group or personal namespace (required)'],
          ['--name <name>', 'display name (default: the path)'],
          ['--visibility <private|internal|public>', 'visibility (default: private)'],
          ['--description <text>', 'description'],
        ],
      },
      update: {
        summary: "archive or unarchive a project, or set its topics",
        options: [
          ['--project <full-path>', 'the project (required)'],
          ['--archived [true|false]', 'archived or not'],
          ['--topics <t1,t2>', 'comma-separated topics, replacing the current ones ("" removes them all)'],
        ],
      },
      fork: {
        summary: 'fork a project into a group or personal namespace',
        options: [
          ['--project <full-path>', 'the project to fork (required)'],
          ['--namespace <full-path-or-username>', 'where the fork goes (required)'],
          ['--path <path>', 'path of the fork (default: the source path)'],
          ['--name <name>', 'name of the fork (default: the source name)'],
        ],
      },
      delete: { summary: 'schedule a project for deletion (deleted after 7 days unless restored)', options: [['--project <full-path>', 'the project (required)']] },
      restore: { summary: 'cancel the scheduled deletion of a project', options: [['--project <full-path>', 'the project (required)']] },
    },
  },
  members: {
    summary: 'add, change and remove project and group members',
    actions: {
      add: {
        summary: 'add a member',
        options: [...MEMBER_SOURCE, ['--user <username>', 'the user (required)'], ['--access-level <level>', `${LEVELS} or a number (required)`], ['--expires-at <YYYY-MM-DD|none>', 'membership expiry date']],
      },
      update: {
        summary: "change a member's role or expiry date",
        options: [...MEMBER_SOURCE, ['--user <username>', 'the member (required)'], ['--access-level <level>', `${LEVELS} or a number (required)`], ['--expires-at <YYYY-MM-DD|none>', 'membership expiry date']],
      },
      remove: { summary: 'remove a member', options: [...MEMBER_SOURCE, ['--user <username>', 'the member (required)']] },
    },
  },
  tokens: {
    summary: 'personal access tokens',
    actions: {
      create: {
        summary: 'create a personal access token; prints the token once',
        options: [
          ['--user <username>', 'owner of the token (required)'],
          ['--name <name>', 'token name (required)'],
          ['--scopes <s1,s2>', 'comma-separated scopes, e.g. api,read_api (required unless --granular)'],
          [
            '--granular <scopes>',
            'a fine-grained token: scopes separated by ";", each WHERE=PERMISSIONS, WHERE being user, instance, all-memberships, personal-projects, group:PATH or project:PATH (e.g. "project:acme/api=read_project,read_member; user=read_user")',
          ],
          ['--expires-at <YYYY-MM-DD>', 'expiry date'],
          ['--description <text>', 'token description'],
          TOKEN_ONLY,
        ],
      },
      list: { summary: "list a user's personal access tokens", options: [['--user <username>', 'the user (required)'], ['--state <active|inactive>', 'only tokens in this state']] },
      revoke: { summary: 'revoke a personal access token', options: [['--id <n>', 'token id (required)']] },
      rotate: { summary: 'revoke a personal access token and issue its replacement', options: [['--id <n>', 'token id (required)'], EXPIRES_AT, TOKEN_ONLY] },
    },
  },
  'project-tokens': { summary: 'project access tokens', actions: resourceTokenActions('project') },
  'group-tokens': { summary: 'group access tokens', actions: resourceTokenActions('group') },
  'deploy-tokens': {
    summary: 'deploy tokens of projects and groups (for Git clients and the container registry)',
    actions: {
      create: {
        summary: 'create a deploy token; prints the token once',
        options: [
          ...MEMBER_SOURCE,
          ['--name <name>', 'token name (required)'],
          ['--scopes <s1,s2>', 'comma-separated scopes: read_repository, read_registry, write_registry, read_package_registry, write_package_registry (required)'],
          ['--username <username>', 'user name to use the token with (default: gitlab+deploy-token-ID)'],
          ['--expires-at <YYYY-MM-DD>', 'expiry date, the token stops at 00:00 UTC (default: never)'],
          TOKEN_ONLY,
        ],
      },
      list: { summary: "list the project's or group's deploy tokens", options: [...MEMBER_SOURCE, ['--active', 'only active tokens (neither revoked nor expired)']] },
      revoke: { summary: 'revoke a deploy token (it stays listed, revoked)', options: [...MEMBER_SOURCE, ['--id <n>', 'token id (required)']] },
    },
  },
  cleanup: {
    summary: 'delete bot users whose tokens have all been inactive for the retention period',
    options: [
      ['--retention-days <days>', 'days a token must have been inactive (default: 30)'],
      ['--dry-run', 'list the bot users that would be deleted, and change nothing'],
    ],
  },
};

const NOTES = `
Run \`labgate <command> --help\` (or \`labgate <command> <action> --help\`) for its options.
Options take their value as \`--name value\` or \`--name=value\`; true/false options also as a bare \`--name\`.
Data commands act as the instance administrator unless given --as USERNAME, and print JSON with --json.
Configuration comes from the environment: DATABASE_URL (default sqlite:data/labgate.sqlite), PORT, HOST,
LABGATE_URL, ... Exit codes: 0 done, 1 refused (the reason is on stderr), 2 usage error.`;

/** What the command line asked for: the command words (`['users', 'create']`) and the option values. */
export interface Invocation {
  words: string[];
  flags: FlagValues;
}

export interface HelpIo {
  out(text: string): void;
  err(text: string): void;
}

/** Parsing ended without a command to run: help or version printed (0), or a usage error (2). */
export class ParseExit {
  constructor(readonly code: number) {}
}

/**
 * Parses `argv` (without `node labgate`) and returns the command to run, or a `ParseExit` when help or
 * the version was printed. Usage mistakes are thrown as `UsageError`, named as the user wrote them.
 */
export function parseCommandLine(argv: readonly string[], io: HelpIo): Invocation | ParseExit {
  let invocation: Invocation | undefined;
  const program = buildProgram(io, (words, flags) => {
    invocation = { words, flags };
  });
  if (argv.length === 0) {
    io.out(program.helpInformation().trimEnd());
    return new ParseExit(2);
  }
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.exitCode === 0) return new ParseExit(0); // --help, help, --version
    throw new UsageError(usageMessage(error));
  }
  if (!invocation) throw new UsageError('nothing to do'); // every leaf has an action; kept for the type
  return invocation;
}

const defaultHelp = new Help();

/** Switches declared bare (`--json`): shown without their optional value in the help. */
const bareSwitches = new WeakSet<Option>();

function buildProgram(io: HelpIo, select: (words: string[], flags: FlagValues) => void): Command {
  const program = new Command('labgate')
    .description('Labgate: a GitLab-compatible GraphQL API for projects, groups, users and access tokens')
    .version(LABGATE_VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, '')),
      writeErr: (text) => io.err(text.replace(/\n$/, '')),
      outputError: () => undefined, // the error is thrown and printed by the caller, on one line
    })
    .configureHelp({
      sortSubcommands: false,
      optionTerm: (option) => (bareSwitches.has(option) ? option.long! : option.flags),
      // A group of actions reads `users <action>` in the list of commands.
      subcommandTerm: (command) => (command.commands.length ? `${command.name()} <action>` : defaultHelp.subcommandTerm(command)),
    })
    .addHelpText('after', NOTES);

  const leaf = (parent: Command, name: string, spec: ActionSpec, extra: readonly OptionSpec[], words: string[]) => {
    const command = parent.command(name).description(spec.summary).allowExcessArguments();
    for (const [flags, help] of [...spec.options, ...extra]) command.addOption(option(flags, help));
    command.action((_options: unknown, self: Command) => {
      if (self.args.length) throw new UsageError(`unexpected argument "${self.args[0]}"`);
      select(words, optionValues(self));
    });
  };

  for (const [name, spec] of Object.entries(TOOL_COMMANDS)) leaf(program, name, spec, [], [name]);
  for (const [name, spec] of Object.entries(DATA_COMMANDS)) {
    if (!('actions' in spec)) {
      leaf(program, name, spec, DATA_OPTIONS, [name]);
      continue;
    }
    const group = program.command(name).description(spec.summary).usage('<action> [options]');
    for (const [action, actionSpec] of Object.entries(spec.actions)) leaf(group, action, actionSpec, DATA_OPTIONS, [name, action]);
    // Reached only when no action matched: name the actions there are.
    const actions = Object.keys(spec.actions).join(', ');
    group
      .argument('[action]')
      .allowUnknownOption()
      .allowExcessArguments()
      .action((action: string | undefined) => {
        if (action === 'help') group.help();
        if (action === undefined || action.startsWith('-')) throw new UsageError(`${name} needs an action: ${actions}`);
        throw new UsageError(`unknown action "${action}" for ${name} (actions: ${actions})`);
      });
  }
  return program;
}

function option(flags: string, help: string): Option {
  const bare = !/[<[]/.test(flags);
  const opt = new Option(bare ? `${flags} [true|false]` : flags, help);
  if (bare) bareSwitches.add(opt);
  const name = opt.long!;
  // Commander keeps the last of a repeated option and reads `--name --json` as the value "--json";
  // both are almost always a slip, so they are refused as before.
  return opt.argParser((value: string, previous: unknown) => {
    if (previous !== undefined) throw new UsageError(`${name} given twice`);
    if (opt.required && value.startsWith('--')) throw new UsageError(`${name} needs a value`);
    return value;
  });
}

/** The options given to a command, by their long name without `--`. */
function optionValues(command: Command): FlagValues {
  const values: FlagValues = new Map();
  for (const opt of command.options) {
    const value: unknown = command.getOptionValue(opt.attributeName());
    if (value !== undefined) values.set(opt.long!.slice(2), value === true ? true : String(value));
  }
  return values;
}

/** Commander's message, in the words the `labgate` command has always used. */
function usageMessage(error: CommanderError): string {
  const text = error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
  switch (error.code) {
    case 'commander.unknownOption':
      return text.replace(/^unknown option '([^'=]*)(=[^']*)?'/, 'unknown option $1');
    case 'commander.unknownCommand':
      return text.replace(/^unknown command '([^']*)'/, 'unknown command "$1"');
    case 'commander.optionMissingArgument': {
      const long = /'[^']*?(--[\w-]+)/.exec(text);
      return long ? `${long[1]} needs a value` : text;
    }
    default:
      return text;
  }
}
