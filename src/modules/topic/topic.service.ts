import { inTransaction } from '../../db/data-source';
import type { RequestContext } from '../../core/context';
import { ResourceNotAvailableError, ServiceError } from '../../core/errors';
import { idKey, paginate, type Connection, type PageArgs, type SortKey } from '../../db/paging';
import { likePattern } from '../namespace/path-rules';
import { projectVisibleSql } from '../../policy/visibility-sql';
import { ProjectTopic, Topic } from '../project/project-extras.entity';
import type { ProjectService } from '../project/project.service';

/** GitLab validates topic names up to 255 characters; a project takes at most this many topics. */
const MAX_TOPIC_NAME_LENGTH = 255;
const MAX_TOPICS_PER_PROJECT = 100;

const nameKey: SortKey<Topic> = { name: 'name', expr: 'LOWER(t.name)', direction: 'ASC', kind: 'string', value: (t) => t.name.toLowerCase() };

export interface TopicServiceDeps {
  projects: ProjectService;
}

/** Project topics: instance-wide labels that projects are tagged with. */
export class TopicService {
  constructor(private readonly deps: TopicServiceDeps) {}

  /**
   * `Query.topics`: the topics of projects the caller can see, by name. (GitLab lists every topic;
   * Labgate leaves out a topic that only hidden projects carry, so that its name says nothing about them.)
   */
  list(ctx: RequestContext, args: PageArgs & { search?: string | null }): Promise<Connection<Topic>> {
    const qb = ctx.app.dataSource.getRepository(Topic).createQueryBuilder('t');
    const visible = projectVisibleSql(ctx.actor, 'p', ctx.today());
    qb.where(
      `EXISTS (SELECT 1 FROM project_topics tp JOIN projects p ON p.id = tp.project_id WHERE tp.topic_id = t.id${visible ? ` AND ${visible.sql}` : ''})`,
      visible?.params ?? {},
    );
    if (args.search) {
      qb.andWhere(`(LOWER(t.name) LIKE :topicSearch ESCAPE '\\' OR LOWER(t.title) LIKE :topicSearch ESCAPE '\\')`, {
        topicSearch: likePattern(args.search),
      });
    }
    return paginate(qb, [nameKey, idKey<Topic>('t', 'ASC')], args);
  }

  topicNames(ctx: RequestContext, projectId: number): Promise<string[]> {
    return ctx.loaders.projectTopicNames.load(projectId);
  }

  /**
   * Replaces a project's topics (`labgate projects update --topics`). Needs `admin_project`. Names
   * are trimmed; duplicates (whatever their case) and blanks are dropped; a new name creates a topic.
   */
  async setProjectTopics(ctx: RequestContext, fullPath: string, given: readonly string[]): Promise<string[]> {
    const project = await this.deps.projects.findForMutation(ctx, fullPath);
    if (!(await this.deps.projects.can(ctx, project, 'admin_project'))) throw new ResourceNotAvailableError();
    const names: string[] = [];
    const seen = new Set<string>();
    for (const raw of given) {
      const name = raw.trim();
      if (name === '' || seen.has(name.toLowerCase())) continue;
      seen.add(name.toLowerCase());
      names.push(name);
    }
    const errors: string[] = [];
    if (names.some((n) => n.length > MAX_TOPIC_NAME_LENGTH)) errors.push(`Topic name is too long (maximum is ${MAX_TOPIC_NAME_LENGTH} characters)`);
    if (names.some((n) => n.includes('\0'))) errors.push('Topic name is invalid');
    if (names.length > MAX_TOPICS_PER_PROJECT) errors.push(`Topics are too many (maximum is ${MAX_TOPICS_PER_PROJECT})`);
    if (errors.length) throw new ServiceError(errors);

    await inTransaction(ctx.app.dataSource, async (em) => {
      const topics = em.getRepository(Topic);
      const links = em.getRepository(ProjectTopic);
      await links.delete({ projectId: project.id });
      for (const [position, name] of names.entries()) {
        let topic = await topics.createQueryBuilder('t').where('LOWER(t.name) = LOWER(:name)', { name }).getOne();
        if (!topic) topic = await topics.save(topics.create({ name, title: name, description: null, createdAt: ctx.now(), updatedAt: ctx.now() }));
        await links.save(links.create({ projectId: project.id, topicId: topic.id, position }));
      }
    });
    ctx.loaders.projectTopicNames.clear(project.id);
    return this.topicNames(ctx, project.id);
  }
}
