import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { ReadScopes } from '../../auth/scope-directive';
import type { RequestContext } from '../../core/context';
import { toGlobalId } from '../../core/global-id';
import { GranularScope } from '../../graphql/granular-directive';
import { descriptionHtml } from '../project/description-html';
import type { Topic } from '../project/project-extras.entity';
import { TopicConnection, TopicsArgs, TopicType } from './topic.types';

/** GitLab's model name for topics, as their global IDs show it. */
export const TOPIC_MODEL = 'Projects::Topic';

@Resolver(() => TopicType)
export class TopicResolver {
  @Query(() => TopicConnection, { nullable: true, description: 'Topics that projects carry, by name.' })
  @ReadScopes()
  // Topics are listed from the projects the caller can see: a fine-grained token needs to read projects.
  @GranularScope({ permissions: ['read_project'], boundary: 'user' })
  topics(@Ctx() ctx: RequestContext, @Args(() => TopicsArgs) args: TopicsArgs) {
    return ctx.services.topics.list(ctx, args);
  }

  @FieldResolver()
  id(@Root() topic: Topic): string {
    return toGlobalId(TOPIC_MODEL, topic.id);
  }

  @FieldResolver()
  avatarUrl(): null {
    return null;
  }

  @FieldResolver()
  descriptionHtml(@Root() topic: Topic): string | null {
    return descriptionHtml(topic.description);
  }
}
