/**
 * A GraphQL document as the portal sends it: its text, carrying the types of its result and
 * variables (from ./generated.ts) so `request`, `useQuery` and `subscribe` infer them.
 */
export type Document<TData, TVariables> = string & {
  readonly ' result'?: TData;
  readonly ' variables'?: TVariables;
};

/** Types an operation's text; `TData` and `TVariables` are its generated `…Query`/`…Mutation`/`…Subscription` types. */
export function document<TData, TVariables>(source: string): Document<TData, TVariables> {
  return source as Document<TData, TVariables>;
}
