/**
 * One form of the pages, as the server writes it and as app.js reads it (data-page, data-api,
 * data-id-prefix, data-shown-on, data-step).
 */
import { escapeHtml, fieldHtml, formErrorHtml, hiddenHtml, type FieldSpec } from './html';
import type { Problem } from './sentences';

/** The API route a form's data goes to, with JavaScript (app.js) or without (the pages Lambda). */
export interface ApiRoute {
  method: string;
  path: string;
}

/** What a form shows besides its fields' labels: what was typed, and what went wrong. */
export interface FormFill {
  /** What the fields hold (passwords and one-time codes are never written back). */
  values?: Record<string, string>;
  problem?: Problem | undefined;
}

/** A form as app.js and the forms function read it. */
export interface FormSpec {
  /** The page whose rules apply (nextPage) and that the form posts to without JavaScript. */
  page: string;
  /** The form's address relative to the page: the page's name, perhaps with `?next=`. */
  action: string;
  /**
   * The API route app.js sends the form to. Without one, app.js leaves the form to the browser,
   * which posts it to the forms function whether JavaScript is on or off: for the forms whose
   * answer is a page only the server makes (the QR code of an enrolment, the recovery codes).
   */
  api?: ApiRoute;
  /** A sentence above the fields. */
  intro?: string;
  fields?: readonly FieldSpec[];
  /** Values sent that nobody types. */
  hidden?: Readonly<Record<string, string>>;
  submit: string;
  /** For a page of several forms: keeps their ids apart (data-id-prefix tells app.js). */
  idPrefix?: string;
  /** Hidden until an error of this code (FOLLOW_UPS); `shown` when the page answers that error. */
  shownOn?: string;
  shown?: boolean;
  /**
   * A next step (the login's code): once shown, it takes the place of the form whose answer
   * showed it, and carries that answer's `mfa_token` in its hidden field of that name.
   */
  step?: boolean;
  /** A button that destroys something. */
  danger?: boolean;
}

/**
 * A form of the pages: its error slot, its fields with their sentences, its button. data-page and
 * data-api tell app.js which API route to call and which page's rules apply. The route's path is
 * written from the page (/account/<page>): one level up is the API's root.
 */
export function formHtml(spec: FormSpec, state: FormFill = {}): string {
  const { problem } = state;
  const prefix = spec.idPrefix ?? '';
  const fields = (spec.fields ?? []).map((field) =>
    fieldHtml(
      field,
      state.values?.[field.name] ?? '',
      problem?.field === field.name ? problem.text : undefined,
      prefix,
    ),
  );
  const formError = problem !== undefined && problem.field === null ? problem.text : undefined;
  const hidden = Object.entries(spec.hidden ?? {}).map(([name, value]) => hiddenHtml(name, value));
  const intro = spec.intro === undefined ? [] : [`<p>${escapeHtml(spec.intro)}</p>`];
  const attributes = [
    'method="post"',
    `action="${escapeHtml(spec.action)}"`,
    ...(spec.api === undefined
      ? []
      : [`data-page="${spec.page}"`, `data-api="${spec.api.method} ..${spec.api.path}"`]),
    ...(prefix === '' ? [] : [`data-id-prefix="${prefix}"`]),
    ...(spec.shownOn === undefined ? [] : [`data-shown-on="${spec.shownOn}"`]),
    ...(spec.step === true ? ['data-step'] : []),
    ...(spec.shownOn !== undefined && spec.shown !== true ? ['hidden'] : []),
    'novalidate',
  ];
  const button = `<button type="submit"${spec.danger === true ? ' class="danger"' : ''}>`;
  return `<form ${attributes.join(' ')}>
${[...intro, formErrorHtml(formError, prefix), ...hidden, ...fields].join('\n')}
${button}${escapeHtml(spec.submit)}</button>
</form>`;
}
