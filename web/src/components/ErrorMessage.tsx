/** A problem loading or changing something, said in an alert; nothing when there is none. */
export function ErrorMessage({ error, testId }: { error: string | { message: string } | null | undefined; testId?: string }) {
  if (!error) return null;
  return (
    <p className="alert" role="alert" data-testid={testId}>
      {typeof error === 'string' ? error : error.message}
    </p>
  );
}
