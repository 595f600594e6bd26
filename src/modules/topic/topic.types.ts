import { ArgsType, Field, ID, ObjectType } from 'type-graphql';
import { Authorize } from '../../graphql/authorization';
import { PaginationArgs } from '../../graphql/common.types';
import { connectionType } from '../../graphql/pagination';

/** A project topic. Topics are public: anyone may list them, as in GitLab. */
@ObjectType('Topic', { description: 'A topic projects are tagged with.' })
@Authorize()
export class TopicType {
  @Field(() => String, { nullable: true, description: 'URL of the avatar image (Labgate stores no avatars, so this is null).' })
  avatarUrl!: string | null;

  @Field(() => String, { nullable: true, description: 'Description of the topic.' })
  description!: string | null;

  @Field(() => String, { nullable: true, description: 'The description rendered as HTML.' })
  descriptionHtml!: string | null;

  @Field(() => ID, { description: 'Global ID of the topic.' })
  id!: string;

  @Field({ description: 'Name of the topic.' })
  name!: string;

  @Field({ description: 'Title of the topic (its name unless set otherwise).' })
  title!: string;
}

export const TopicConnection = connectionType('Topic', () => TopicType, { count: false });

@ArgsType()
export class TopicsArgs extends PaginationArgs {
  @Field(() => String, { nullable: true, description: 'Search by topic name or title.' })
  search?: string | null;
}
