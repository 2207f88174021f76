/**
 * Where to go after logging in: the `next` parameter if it is a path on this site, else the
 * Account page. Anything else (`//evil.example`, `https://…`) is ignored, so a link cannot send
 * a user off-site after login.
 */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/account';
  if (next === '/login' || next.startsWith('/login?') || next === '/signup' || next.startsWith('/signup?')) return '/account';
  return next;
}
