import type { JSX } from 'preact';

/** What a form control needs to be labelled, and to point at its error when it has one. */
export interface ControlProps {
  readonly id: string;
  readonly 'aria-invalid': boolean;
  readonly 'aria-describedby'?: string;
}

/**
 * A labelled form field with its error under it: the control is marked invalid and described by the
 * message, so a screen reader says why. `errorLang` marks a message that is not in the reader's
 * language (the API writes its field messages in English).
 */
export const Field = ({
  id,
  name,
  label,
  error,
  errorLang,
  control,
}: {
  id: string;
  /** The field's name in `data-field-error` (tests and styles find the error by it). */
  name: string;
  label: string;
  error: string | null;
  errorLang?: string | undefined;
  control: (props: ControlProps) => JSX.Element;
}) => (
  <div class={error ? 'field invalid' : 'field'}>
    <label for={id}>{label}</label>
    {control({
      id,
      'aria-invalid': error !== null,
      ...(error ? { 'aria-describedby': `${id}-error` } : {}),
    })}
    {error && (
      <p id={`${id}-error`} class="field-error" data-field-error={name} lang={errorLang}>
        {error}
      </p>
    )}
  </div>
);
