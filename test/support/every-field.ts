/** A GraphQL selection of every field a client could ask of a type, for tests that check what no answer may hold. */
import type { TestHub } from './hub.js';

/**
 * A selection of every field of `typeName`, built from the schema by introspection: scalars and
 * enums by name, objects recursively (a type is not entered twice on one path), fields whose
 * arguments are all optional included with their defaults, so no field a client could ask for is
 * left out.
 */
export async function everyField(hub: TestHub, typeName: string, token?: string): Promise<string> {
  const res = await hub.graphql(
    `{ __schema { types { name kind fields { name args { type { kind } } type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }`,
    {},
    token,
  );
  const types = new Map<string, { kind: string; fields: { name: string; args: { type: { kind: string } }[]; type: any }[] | null }>(
    res.data.__schema.types.map((t: any) => [t.name, t]),
  );
  const named = (t: any): { kind: string; name: string } => (t.ofType ? named(t.ofType) : t);
  const select = (name: string, path: string[]): string => {
    const type = types.get(name)!;
    const parts: string[] = [];
    for (const field of type.fields ?? []) {
      if (field.args.some((a) => a.type.kind === 'NON_NULL')) continue;
      const target = named(field.type);
      const kind = types.get(target.name)!.kind;
      if (kind === 'SCALAR' || kind === 'ENUM') parts.push(field.name);
      else if ((kind === 'OBJECT' || kind === 'INTERFACE') && !path.includes(target.name)) {
        const inner = select(target.name, [...path, target.name]);
        if (inner) parts.push(`${field.name} { ${inner} }`);
      }
    }
    return parts.join(' ');
  };
  return select(typeName, [typeName]);
}
