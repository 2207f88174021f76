/**
 * Every root operation of the hub's schema, learnt by introspection, as a runnable document with
 * placeholder arguments: for tests that must cover the whole API (scopes, refused characters)
 * and would otherwise miss operations added later.
 */
import type { TestHub } from './hub.js';

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface InputValue {
  name: string;
  type: TypeRef;
  defaultValue: string | null;
}
interface FullType {
  kind: string;
  name: string;
  fields: { name: string; args: InputValue[]; type: TypeRef }[] | null;
  inputFields: InputValue[] | null;
  enumValues: { name: string }[] | null;
}

const TYPE_REF = `kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`;
const INTROSPECTION = `{ __schema {
  queryType { name } mutationType { name } subscriptionType { name }
  types { kind name
    fields { name args { name defaultValue type { ${TYPE_REF} } } type { ${TYPE_REF} } }
    inputFields { name defaultValue type { ${TYPE_REF} } }
    enumValues { name } } } }`;

export type RootKind = 'Query' | 'Mutation' | 'Subscription';

export interface Operation {
  root: RootKind;
  name: string;
  /** `query($a: T!) { name(a: $a) { __typename } }` */
  document: string;
  /** Placeholder values for the required arguments (and their required input fields). */
  variables: Record<string, unknown>;
  /** Paths of every text (String or ID) value in `variables`, e.g. `input.description`, with a setter. */
  textFields: { path: string; set(variables: Record<string, unknown>, value: string): void }[];
}

export class Schema {
  private constructor(private readonly types: Map<string, FullType>, private readonly roots: Record<RootKind, string | null>) {}

  static async introspect(hub: TestHub): Promise<Schema> {
    const res = await hub.graphql(INTROSPECTION);
    if (!res.data) throw new Error(`introspection failed: ${JSON.stringify(res.errors)}`);
    const schema = res.data.__schema;
    return new Schema(new Map(schema.types.map((t: FullType) => [t.name, t])), {
      Query: schema.queryType?.name ?? null,
      Mutation: schema.mutationType?.name ?? null,
      Subscription: schema.subscriptionType?.name ?? null,
    });
  }

  operations(root: RootKind): Operation[] {
    const typeName = this.roots[root];
    if (!typeName) return [];
    return (this.types.get(typeName)!.fields ?? []).map((field) => {
      const variables: Record<string, unknown> = {};
      const textFields: Operation['textFields'] = [];
      const defs: string[] = [];
      const args: string[] = [];
      for (const arg of field.args) {
        if (arg.type.kind !== 'NON_NULL' && !this.hasTextInside(arg.type)) continue;
        defs.push(`$${arg.name}: ${typeString(arg.type)}`);
        args.push(`${arg.name}: $${arg.name}`);
        variables[arg.name] = this.placeholder(arg.type, [arg.name], textFields);
      }
      const selection = this.isLeaf(field.type) ? '' : ' { __typename }';
      const keyword = root === 'Query' ? 'query' : root === 'Mutation' ? 'mutation' : 'subscription';
      const document = `${keyword}${defs.length ? `(${defs.join(', ')})` : ''} { ${field.name}${args.length ? `(${args.join(', ')})` : ''}${selection} }`;
      return { root, name: field.name, document, variables, textFields };
    });
  }

  private named(ref: TypeRef): TypeRef {
    return ref.ofType ? this.named(ref.ofType) : ref;
  }

  private isLeaf(ref: TypeRef): boolean {
    const kind = this.named(ref).kind;
    return kind === 'SCALAR' || kind === 'ENUM';
  }

  private hasTextInside(ref: TypeRef, seen = new Set<string>()): boolean {
    const named = this.named(ref);
    if (named.kind === 'SCALAR') return named.name === 'String' || named.name === 'ID';
    if (named.kind !== 'INPUT_OBJECT' || seen.has(named.name!)) return false;
    seen.add(named.name!);
    return (this.types.get(named.name!)!.inputFields ?? []).some((f) => this.hasTextInside(f.type, seen));
  }

  /**
   * A value for `ref`: required fields filled, optional text fields filled too (so each can carry a
   * refused character), other optional fields left out.
   */
  private placeholder(ref: TypeRef, path: string[], texts: Operation['textFields']): unknown {
    if (ref.kind === 'NON_NULL') return this.placeholder(ref.ofType!, path, texts);
    if (ref.kind === 'LIST') {
      return [this.placeholder(ref.ofType!, [...path, '0'], texts)];
    }
    const type = this.types.get(ref.name!)!;
    if (type.kind === 'ENUM') return type.enumValues![0].name;
    if (type.kind === 'SCALAR') {
      switch (type.name) {
        case 'String':
        case 'ID':
          texts.push({ path: path.join('.'), set: (vars, value) => setPath(vars, path, value) });
          return type.name === 'ID' ? '00000000-0000-4000-8000-000000000000' : 'x';
        case 'Int':
        case 'Float':
          return 1;
        case 'Boolean':
          return true;
        case 'DateTimeISO':
        case 'DateTime':
          return '2020-01-01T00:00:00.000Z';
        default:
          return {};
      }
    }
    const value: Record<string, unknown> = {};
    for (const field of type.inputFields ?? []) {
      if (field.type.kind === 'NON_NULL' || this.hasTextInside(field.type)) {
        value[field.name] = this.placeholder(field.type, [...path, field.name], texts);
      }
    }
    return value;
  }
}

function typeString(ref: TypeRef): string {
  if (ref.kind === 'NON_NULL') return `${typeString(ref.ofType!)}!`;
  if (ref.kind === 'LIST') return `[${typeString(ref.ofType!)}]`;
  return ref.name!;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node: any = target;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path.at(-1)!] = value;
}
