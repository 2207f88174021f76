/**
 * Asks the hub to check the spec (`validateModelSpec`) once editing pauses for DELAY_MS, and keeps
 * the last answer shown meanwhile. `checking` is true from the moment the spec changes until the
 * answer for it arrives; answers for an older spec are dropped.
 */
import { useEffect, useState } from 'react';
import { request } from '../api/graphql-client';
import { GraphQLRequestError } from '../api/graphql-request-error';
import { useDebouncedValue } from '../components/use-debounced-value';
import { VALIDATE_MODEL_SPEC } from './architecture-operations';
import type { SpecValidation } from './types';

const DELAY_MS = 350;

export interface SpecCheck {
  result: SpecValidation | undefined;
  error: GraphQLRequestError | undefined;
  checking: boolean;
}

/** `spec` undefined: nothing to check (the JSON does not parse); the last answer stays. */
export function useSpecValidation(spec: unknown): SpecCheck {
  const key = spec === undefined ? undefined : JSON.stringify(spec);
  const settled = useDebouncedValue(key, DELAY_MS);
  const [answer, setAnswer] = useState<{ key: string; result?: SpecValidation; error?: GraphQLRequestError }>();

  useEffect(() => {
    if (settled === undefined) return;
    let current = true;
    request(VALIDATE_MODEL_SPEC, { spec: JSON.parse(settled) as unknown }).then(
      (data) => {
        if (current) setAnswer({ key: settled, result: data.validateModelSpec });
      },
      (error: unknown) => {
        if (current) setAnswer((last) => ({ key: settled, result: last?.result, error: GraphQLRequestError.from(error) }));
      },
    );
    return () => {
      current = false;
    };
  }, [settled]);

  return { result: answer?.result, error: answer?.error, checking: key !== undefined && answer?.key !== key };
}
