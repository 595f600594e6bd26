// Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core.
// Playwright's own browser download cannot work here (no network but the package registries), so the
// tests use the system browser; .ci/run installs it when it is missing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startHarness, type Harness } from '../helpers/harness';

export const CHROMIUM_PATH = process.env.LABGATE_CHROMIUM ?? '/usr/bin/chromium';

export interface Chromium {
  browser: Browser;
  /** Closes the browser; resolves with the processes it left behind (there should be none). */
  close(): Promise<string[]>;
}

/** Starts one headless browser; fails (never skips) when Chromium is not installed. */
export async function launchChromium(): Promise<Chromium> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM_PATH}, which is missing. ` +
        'Install it with `apt-get update && apt-get install -y chromium` (.ci/run does this on CI).',
    );
  }
  // Debian's build always starts crash handlers, which detach from the browser (their parent becomes
  // init) and keep their reports under the configuration folder. A folder of our own per launch keeps
  // them out of $HOME and lets us find them again when checking that nothing was left running.
  const configHome = fs.mkdtempSync(path.join(os.tmpdir(), 'labgate-chromium-'));
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      // CI runs as root, where Chromium's sandbox cannot start; /dev/shm may be small in containers.
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
      env: { ...process.env, XDG_CONFIG_HOME: configHome },
      timeout: 30_000,
    });
  } catch (error) {
    fs.rmSync(configHome, { recursive: true, force: true });
    throw error;
  }
  return {
    browser,
    async close() {
      await browser.close();
      let left = chromiumProcesses(configHome);
      for (let i = 0; i < 200 && left.length > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        left = chromiumProcesses(configHome);
      }
      fs.rmSync(configHome, { recursive: true, force: true });
      return left;
    },
  };
}

/**
 * Live Chromium processes of this test file: those descending from this process, and the detached
 * crash handlers that name our configuration folder. Read from /proc; zombies (empty cmdline) are skipped.
 */
function chromiumProcesses(configHome: string): string[] {
  const parentOf = new Map<number, number>();
  const commandOf = new Map<number, string>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The parent is the second field after the command name, which is in parentheses and may hold spaces.
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      commandOf.set(Number(entry), fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim());
    } catch {
      // the process ended while we looked
    }
  }
  const descendsFromUs = (pid: number) => {
    for (let p = parentOf.get(pid); p !== undefined && p > 1; p = parentOf.get(p)) if (p === process.pid) return true;
    return false;
  };
  const found: string[] = [];
  for (const [pid, command] of commandOf) {
    if (!/chrom/i.test(command)) continue;
    if (command.includes(configHome) || descendsFromUs(pid)) found.push(`${pid} ${command.slice(0, 160)}`);
  }
  return found;
}

/**
 * Starts a Labgate harness and a browser at once (both take a second or two). When one of them fails,
 * the other is closed before the error is thrown, so a failed start leaves neither a database nor a
 * browser behind.
 */
export async function startHarnessAndChromium(): Promise<{ h: Harness; chrome: Chromium }> {
  const [harness, launched] = await Promise.allSettled([startHarness(), launchChromium()]);
  if (harness.status === 'fulfilled' && launched.status === 'fulfilled') return { h: harness.value, chrome: launched.value };
  if (harness.status === 'fulfilled') await harness.value.close().catch(() => undefined);
  if (launched.status === 'fulfilled') await launched.value.close().catch(() => undefined);
  throw harness.status === 'rejected' ? harness.reason : (launched as PromiseRejectedResult).reason;
}
