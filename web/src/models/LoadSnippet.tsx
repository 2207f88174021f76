/**
 * How to use a version from code: `tf.loadLayersModel` on its model.json URL at this hub (the
 * shards sit beside it), through an alias when the version has one. A private model needs an API
 * key with the models:read scope, sent as a header.
 */
import { CodeSnippet } from '../components/CodeSnippet';
import { modelAliasFileUrl, modelFileUrl } from './model-path';
import type { Visibility } from './types';

export interface LoadSnippetProps {
  owner: string;
  name: string;
  number: number;
  /** Aliases pointing at this version */
  aliases: string[];
  visibility: Visibility;
}

export function LoadSnippet({ owner, name, number, aliases, visibility }: LoadSnippetProps) {
  const origin = window.location.origin;
  const url = `${origin}${aliases[0] ? modelAliasFileUrl(owner, name, aliases[0]) : modelFileUrl(owner, name, number, 'model.json')}`;
  const lines = ["import * as tf from '@tensorflow/tfjs';", ''];
  if (visibility === 'PRIVATE') {
    lines.push(
      '// A private model: send an API key with the models:read scope (Account → API keys).',
      `const model = await tf.loadLayersModel('${url}', {`,
      "  requestInit: { headers: { Authorization: 'Bearer amk_…' } },",
      '});',
    );
  } else {
    lines.push(`const model = await tf.loadLayersModel('${url}');`);
  }
  if (aliases[0]) lines.push(`// Version ${number} itself: ${origin}${modelFileUrl(owner, name, number, 'model.json')}`);
  lines.push('model.predict(tf.tensor2d([[/* one row of features, in input order */]])).print();');
  return <CodeSnippet label="Use it with TensorFlow.js" code={lines.join('\n')} testId="load-snippet" />;
}
