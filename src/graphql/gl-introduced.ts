import { DirectiveLocation, GraphQLDirective, GraphQLNonNull, GraphQLString } from 'graphql';

/**
 * `@gl_introduced(version: "18.1.0")`, which GitLab's frontend puts on fields and inline fragments
 * newer than some servers it talks to. GitLab's server declares it (same name, argument and
 * locations) and drops marked selections newer than itself. Labgate declares it so documents that
 * carry it validate; the marked selections run as any other, since a field Labgate does not have
 * already fails validation by name.
 */
export const glIntroducedDirective = new GraphQLDirective({
  name: 'gl_introduced',
  description: 'Marks a field as introduced in a given GitLab version.',
  locations: [DirectiveLocation.FIELD, DirectiveLocation.INLINE_FRAGMENT],
  args: { version: { type: new GraphQLNonNull(GraphQLString), description: "The version that introduced the field, for example '18.1.0'." } },
});
