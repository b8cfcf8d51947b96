/** HTML building blocks of the hosted pages: escaping, the document around a page, form fields. */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/gu, (c) => ESCAPES[c] ?? c);
}

/**
 * A whole document. Script and style come from files of this origin: the CSP allows no inline.
 * Every address in the pages is relative to the page (/account/<page>), so they work wherever the
 * API is mounted: at the root of its host or under a base path (/auth/account/<page>).
 */
export function documentOf(title: string, main: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Account</title>
<link rel="stylesheet" href="style.css">
<script src="app.js" defer></script>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${main}
</main>
</body>
</html>
`;
}

export interface FieldSpec {
  name: string;
  label: string;
  type: 'email' | 'password' | 'text';
  autocomplete: string;
  hint?: string;
  /** The keyboard a phone shows (`numeric`: digits only, for an authenticator's code). */
  inputmode?: 'numeric';
  /** A one-time code: like a password, never written back into a page. */
  oneTime?: boolean;
  /** Folded away under this summary (a `<details>`): an alternative to the field before it. */
  folded?: string;
}

/** Whether what a field holds stays out of every page: a password, a one-time code. */
export function isUnechoed(spec: Pick<FieldSpec, 'type' | 'oneTime'>): boolean {
  return spec.type === 'password' || spec.oneTime === true;
}

/**
 * A labelled input with its hint and its error slot, both tied to it by aria-describedby. The error
 * slot is a live region (role=alert): a sentence put there, by the server or by app.js, is read
 * out. An input with an error is marked invalid and takes the focus. `idPrefix` keeps the ids of
 * a page with several forms apart (the profile's two password fields); app.js reads it from the
 * form's data-id-prefix.
 */
export function fieldHtml(
  spec: FieldSpec,
  value: string,
  error: string | undefined,
  idPrefix = '',
): string {
  const id = `${idPrefix}${spec.name}`;
  const described = [spec.hint === undefined ? '' : `${id}-hint`, `${id}-error`];
  const attributes = [
    `id="${id}"`,
    `name="${spec.name}"`,
    `type="${spec.type}"`,
    `autocomplete="${spec.autocomplete}"`,
    ...(spec.inputmode === undefined ? [] : [`inputmode="${spec.inputmode}"`]),
    // An alternative is not required: the field it stands in for is.
    ...(spec.folded === undefined ? ['required'] : []),
    `aria-describedby="${described.filter(Boolean).join(' ')}"`,
    // A password or a one-time code is never written back into a page.
    ...(!isUnechoed(spec) && value !== '' ? [`value="${escapeHtml(value)}"`] : []),
    ...(error === undefined ? [] : ['aria-invalid="true"', 'autofocus']),
  ];
  const hint =
    spec.hint === undefined ? '' : `\n<p id="${id}-hint" class="hint">${escapeHtml(spec.hint)}</p>`;
  const field = `<div class="field">
<label for="${id}">${escapeHtml(spec.label)}</label>${hint}
<input ${attributes.join(' ')}>
<p id="${id}-error" class="field-error" role="alert">${escapeHtml(error ?? '')}</p>
</div>`;
  // Unfolded when its sentence is shown: a person sees what went wrong.
  return spec.folded === undefined
    ? field
    : `<details class="field-alternative"${error === undefined ? '' : ' open'}>
<summary>${escapeHtml(spec.folded)}</summary>
${field}
</details>`;
}

/** A value the form sends that nobody types (the address a button mails, a link's token). */
export function hiddenHtml(name: string, value: string): string {
  return `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
}

/** The error slot of a whole form, for problems that concern no one field. */
export function formErrorHtml(error: string | undefined, idPrefix = ''): string {
  return `<p id="${idPrefix}form-error" class="form-error" role="alert">${escapeHtml(error ?? '')}</p>`;
}

/** A sentence saying what just happened (account created, logged out ...), read out politely. */
export function noticeHtml(notice: string | undefined): string {
  return notice === undefined ? '' : `<p class="notice" role="status">${escapeHtml(notice)}</p>`;
}

export function linksHtml(links: readonly (readonly [href: string, text: string])[]): string {
  const items = links.map(([href, text]) => `<li><a href="${href}">${escapeHtml(text)}</a></li>`);
  return `<nav aria-label="Other pages">\n<ul>\n${items.join('\n')}\n</ul>\n</nav>`;
}
