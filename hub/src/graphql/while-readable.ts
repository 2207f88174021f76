/**
 * Subscriptions check access when they start, but access can end while they run (a model made
 * private, a collaborator or organization member removed). This passes a subscription's events
 * on only while the subscriber may still read their subject, checked again for each event, and
 * ends the subscription (graphql-ws `complete`) at the first one they may not.
 */
import { AppError } from '../errors.js';

export async function* whileReadable<T>(events: AsyncIterable<T>, stillReadable: () => Promise<unknown>): AsyncGenerator<T> {
  for await (const event of events) {
    try {
      await stillReadable();
    } catch (error) {
      // What the subscriber may not read is NOT_FOUND to them: the subject is gone from their view.
      if (error instanceof AppError && error.code === 'NOT_FOUND') return;
      throw error;
    }
    yield event;
  }
}
