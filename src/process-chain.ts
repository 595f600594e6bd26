import fs from 'node:fs';
import path from 'node:path';

/**
 * The server stops when whatever the user started it with goes away.
 *
 * A server is often started through wrappers: `npx labgate serve` is npm, then `sh -c labgate serve`,
 * then bin/labgate.js, then the server; `npm start` is npm, then bin/labgate.js, then the server. A
 * signal sent to the outermost one does not always reach the server (dash, npm's shell, dies of
 * SIGTERM without passing it on), and SIGKILL is never passed on. Either way one of the wrappers
 * disappears and the process below it is handed to another parent. So the server (or the
 * supervisor of `--workers`) notes, when it starts, its chain of wrapper ancestors, and checks every
 * second that each still has the parent it had; when a link breaks it stops as on SIGTERM (finishing
 * the requests in flight). Only links inside the chain count: the outermost wrapper being adopted
 * (`nohup npx labgate serve &`, the terminal then closed) leaves the server running.
 *
 * Linux reads the chain from /proc; elsewhere only the IPC channel to bin/labgate.js is watched (main.ts).
 */

const CHECK_INTERVAL_MS = 1000;

interface Link {
  pid: number;
  parent: number;
}

function procStat(pid: number): { parent: number } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { parent: Number(fields[1]) };
  } catch {
    return null;
  }
}

function commandLine(pid: number): string[] {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * A process that only runs Labgate on the user's behalf: a shell running one command (`sh -c`),
 * npm or npx (whose process title replaces its command line), or the labgate command itself.
 */
export function isWrapper(argv: string[]): boolean {
  if (argv.length === 0) return false;
  const program = path.basename(argv[0].split(' ')[0]);
  if (/^(sh|dash|bash|zsh|ash|busybox)$/.test(program)) return argv.includes('-c');
  if (/^(npm|npx)$/.test(program)) return true;
  if (/^node(js)?$/.test(program) && argv[1]) {
    const script = argv[1];
    return /(^|\/)(npm|npx)(-cli\.js)?$/.test(script) || /(^|\/)labgate(\.js)?$/.test(script);
  }
  return false;
}

/** This process and the wrappers above it, each with the parent it has now. */
export function wrapperChain(pid = process.pid): Link[] {
  const chain: Link[] = [];
  let current = pid;
  for (let depth = 0; depth < 8; depth += 1) {
    const stat = procStat(current);
    if (!stat) break;
    chain.push({ pid: current, parent: stat.parent });
    if (stat.parent <= 1 || !isWrapper(commandLine(stat.parent))) break;
    current = stat.parent;
  }
  return chain;
}

/**
 * Calls `stop` once, when a process of the chain (this one or a wrapper above it, the outermost
 * excepted) gets another parent, or has gone. The timer does not keep the process alive.
 */
export function stopWhenLauncherGoes(stop: (reason: string) => void): () => void {
  const chain = process.platform === 'linux' ? wrapperChain() : [];
  const links = chain.slice(0, -1);
  if (links.length === 0) return () => undefined;
  const timer = setInterval(() => {
    for (const link of links) {
      const stat = procStat(link.pid);
      if (!stat || stat.parent !== link.parent) return fire(`process ${link.parent}, which started it, exited`);
    }
  }, CHECK_INTERVAL_MS);
  timer.unref();
  function fire(reason: string): void {
    clearInterval(timer);
    stop(reason);
  }
  return () => clearInterval(timer);
}
