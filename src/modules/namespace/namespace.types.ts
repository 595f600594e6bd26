import { Field, ID, ObjectType } from 'type-graphql';
import { connectionType } from '../../graphql/pagination';
import { Authorize } from '../../graphql/authorization';
import { NamespacePermissions } from '../../graphql/permissions.types';

@ObjectType('Namespace', { description: 'A namespace: a group, or the personal namespace of a user.' })
@Authorize('read_namespace')
export class NamespaceType {
  @Field(() => String, { nullable: true, description: 'URL of the avatar image (Labgate stores no avatars, so this is null).' })
  avatarUrl!: string | null;

  @Field(() => String, { nullable: true, description: 'Description of the namespace.' })
  description!: string | null;

  @Field(() => String, { nullable: true, description: 'The description rendered as HTML (plain text, escaped, in paragraphs).' })
  descriptionHtml!: string | null;

  @Field({ description: 'Full name, with the names of the parent groups.' })
  fullName!: string;

  @Field(() => ID, { description: 'Full path, with the paths of the parent groups.' })
  fullPath!: string;

  @Field(() => ID, { description: 'Global ID of the namespace.' })
  id!: string;

  @Field({ description: 'Name of the namespace.' })
  name!: string;

  @Field({ description: 'Path of the namespace within its parent.' })
  path!: string;

  @Field(() => Boolean, { nullable: true, description: 'Whether users may request to join.' })
  requestAccessEnabled!: boolean | null;

  @Field(() => NamespaceType, { description: 'The top-level namespace above this one (itself at the top).' })
  rootNamespace!: unknown;

  @Field(() => NamespacePermissions.type, { description: 'What the current user may do with the namespace.' })
  userPermissions!: unknown;

  @Field(() => String, { nullable: true, description: 'Visibility: `private`, `internal` or `public`.' })
  visibility!: string | null;

  @Field(() => String, { nullable: true, description: 'URL of the namespace page.' })
  webUrl!: string | null;
}

export const NamespaceConnection = connectionType('Namespace', () => NamespaceType, { count: false });
