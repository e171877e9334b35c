/**
 * A form field the server named in its answer: `invalid(name)` marks the input (aria-invalid, and describes it by
 * the line under it), `<FieldError>` is that line. Names are the form's (`phone`, `passengers.0.name`), as
 * lib/errors.ts fieldMessages() keys them.
 */
export type FieldErrors = Record<string, string>;

export const errorId = (name: string) => `${name.replace(/\W/g, '-')}-error`;

export function invalid(errors: FieldErrors, name: string, hintId?: string) {
  const bad = errors[name] !== undefined;
  const describedBy = [bad ? errorId(name) : undefined, hintId].filter(Boolean).join(' ');
  return { 'aria-invalid': bad ? true : undefined, 'aria-describedby': describedBy || undefined } as const;
}

export function FieldError({ errors, name }: { errors: FieldErrors; name: string }) {
  const message = errors[name];
  if (message === undefined) return null;
  return (
    <small id={errorId(name)} className="field-error">
      {message}
    </small>
  );
}

/** After an answer that named fields: take the traveller to the first one. */
export function focusFirstInvalid(form: HTMLFormElement | null): void {
  requestAnimationFrame(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}
