import { registerEnumType } from 'type-graphql';

/**
 * Who sees a thing owned as `owner/name` (models, datasets, architectures): one GraphQL enum for
 * all of them, since the rule is one (access/permission.ts).
 */
export enum Visibility {
  PUBLIC = 'public',
  UNLISTED = 'unlisted',
  PRIVATE = 'private',
}
registerEnumType(Visibility, {
  name: 'Visibility',
  description:
    'PUBLIC: listed and readable by everyone; UNLISTED: readable by anyone with its name, listed only for those with a role; PRIVATE: the owner, organization members and collaborators only (NOT_FOUND to anyone else)',
});
