/**
 * TF.js on the plain CPU backend, imported on first use (hub start-up never pays for it): one
 * instance per thread, for the catalog's model upload check and the architectures' spec build
 * worker. A ground-floor file: a worker thread imports it without loading any domain.
 */
export type Tf = typeof import('@tensorflow/tfjs');

let tfPromise: Promise<Tf> | undefined;

export function loadTf(): Promise<Tf> {
  tfPromise ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    await tf.setBackend('cpu');
    await tf.ready();
    return tf;
  })();
  tfPromise.catch(() => (tfPromise = undefined));
  return tfPromise;
}
