/**
 * A form's alert region. It is always in the page, so assistive technology announces a message
 * the moment one appears.
 */
export function FormAlert({ message, testId = 'form-alert' }: { message: string | null; testId?: string }) {
  return (
    <div role="alert" className={message ? 'alert' : 'alert alert-empty'} data-testid={testId}>
      {message}
    </div>
  );
}
