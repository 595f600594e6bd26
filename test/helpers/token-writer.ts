/**
 * A second Labgate process for multi-process tests: opens DATABASE_URL, creates COUNT project access
 * tokens on PROJECT (CONCURRENCY at a time) and prints how many succeeded and the errors it met.
 */
import 'reflect-metadata';
import { createCore } from '../../src/app';
import { loadConfig } from '../../src/config';
import { RequestContext } from '../../src/core/context';
import { Project } from '../../src/modules/project/project.entity';

async function main(): Promise<void> {
  const core = await createCore(loadConfig(process.env), { migrate: false });
  const project = await core.dataSource.getRepository(Project).findOneByOrFail({ fullPath: process.env.PROJECT! });
  const count = Number(process.env.COUNT);
  const concurrency = Number(process.env.CONCURRENCY);
  const errors: string[] = [];
  let created = 0;
  for (let i = 0; i < count; i += concurrency) {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, count - i) }, async (_, j) => {
        try {
          const ctx = new RequestContext(core, null, { system: true });
          await core.services.resourceTokens.create(ctx, { kind: 'project', project }, { name: `${process.env.NAME}-${i + j}`, scopes: ['api'], expiresAt: '2027-01-01' });
          created += 1;
        } catch (error) {
          errors.push(error instanceof Error ? error.message : String(error));
        }
      }),
    );
  }
  await core.dataSource.destroy();
  process.stdout.write(JSON.stringify({ created, errors }));
}

main().catch((error) => {
  process.stderr.write(String(error?.stack ?? error));
  process.exit(1);
});
