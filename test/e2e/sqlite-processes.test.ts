import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createApp, type App } from '../../src/app';
import { ManualClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { RequestContext } from '../../src/core/context';
import { usingPostgres } from '../helpers/database';

const run = promisify(execFile);

/**
 * Several `labgate serve` processes may share one SQLite file (README: "Several processes on one
 * SQLite file"). Writes wait their turn: none may fail with "database is locked".
 */
(usingPostgres() ? describe.skip : describe)('several processes writing one SQLite file', () => {
  let dir: string;
  let app: App;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labgate-sqlite-'));
    const config = loadConfig({}, { databaseUrl: `sqlite:${path.join(dir, 'shared.sqlite')}`, externalUrl: 'http://example.com' });
    app = await createApp(config, { clock: new ManualClock('2026-01-15T12:00:00.000Z') });
    const system = new RequestContext(app, null, { system: true });
    await app.services.groups.create(system, { path: 'shared', visibility: 'private' }, null);
    await app.services.projects.create(system, { path: 'app', namespace: 'shared', visibility: 'private' });
  });

  afterAll(async () => {
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('two processes creating resource tokens at once lose none of them', async () => {
    const writer = (name: string) =>
      run(process.execPath, ['-r', path.join(__dirname, '../helpers/ts-register.js'), path.join(__dirname, '../helpers/token-writer.ts')], {
        env: { ...process.env, DATABASE_URL: app.config.databaseUrl, PROJECT: 'shared/app', COUNT: '30', CONCURRENCY: '10', NAME: name },
        timeout: 170_000,
      });
    const outcomes = (await Promise.all([writer('a'), writer('b')])).map(({ stdout }) => JSON.parse(stdout) as { created: number; errors: string[] });

    expect(outcomes.flatMap((o) => o.errors)).toEqual([]);
    expect(outcomes.map((o) => o.created)).toEqual([30, 30]);
    const [{ bots }] = await app.dataSource.query(`SELECT COUNT(*) AS bots FROM users WHERE user_type = 'project_bot'`);
    expect(Number(bots)).toBe(60);
  }, 180_000);
});
