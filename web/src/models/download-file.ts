/**
 * Downloading a file of a private model: a plain link carries no token (the hub answers 404 to
 * it, as to anyone who may not read the model), so the file is fetched with the session's token
 * and handed to the browser as a blob. Public and unlisted models download through their links.
 */
import { GraphQLRequestError } from '../api/graphql-request-error';
import { getToken } from '../api/session';

export async function downloadWithToken(url: string, fileName: string): Promise<void> {
  const token = getToken();
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    throw new GraphQLRequestError(response.status === 404 ? 'NOT_FOUND' : 'INTERNAL', body.error?.message ?? `The hub answered ${response.status}`);
  }
  const blob = await response.blob();
  const objectUrl = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = objectUrl;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser the moment it needs to start the download before the blob goes.
  setTimeout(() => URL.revokeObjectURL(objectUrl), 10_000);
}
