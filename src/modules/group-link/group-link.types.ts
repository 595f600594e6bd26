import { ArgsType, Field } from 'type-graphql';
import { AccessLevelEnum, PaginationArgs } from '../../graphql/common.types';
import { GroupSort } from '../group/group.types';

@ArgsType()
export class SharedGroupsArgs extends PaginationArgs {
  @Field(() => String, { nullable: true, description: 'Search for a specific group.' })
  search?: string | null;

  @Field(() => GroupSort, { nullable: true, description: 'Order by name, created at, updated at, path, id or similarity if searching.' })
  sort?: GroupSort | null;
}

@ArgsType()
export class SharedProjectsArgs extends PaginationArgs {
  @Field(() => Boolean, { nullable: true, description: 'Filters by projects that are not archived and not marked for deletion.' })
  active?: boolean | null;

  @Field(() => AccessLevelEnum, { nullable: true, description: 'Return only projects where current user has at least the specified access level.' })
  minAccessLevel?: AccessLevelEnum | null;

  @Field(() => String, {
    nullable: true,
    description: 'Filter projects by programming language name (case insensitive). Labgate keeps no repository languages, so a language matches no project.',
  })
  programmingLanguageName?: string | null;

  @Field(() => String, { nullable: true, description: 'Search query, which can be for the project name, a path, or a description.' })
  search?: string | null;

  @Field(() => String, { nullable: true, description: 'Sort order of results, `<field_name>_<sort_direction>` (for example `id_desc` or `name_asc`). Default `id_desc`.' })
  sort?: string | null;
}
