/**
 * The pages' JavaScript (app.js, its own browser bundle: see lib/pages/app-js.ts): each form goes
 * to its API route with fetch instead of being posted to the page, and the answer either leads to
 * the next page or shows its sentence next to its field, at once and without losing what was
 * typed. It reads each error by its code (X-Error-Code), with the sentences and next pages the
 * server uses for forms posted without JavaScript.
 */
import { ERROR_HEADERS } from '../../http/error-codes';
import { nextPage, type Outcome } from '../next-page';
import { describeProblem, type ErrorDetails, type Problem } from '../sentences';

function numberOrNull(value: string | null): number | null {
  return Number(value) || null;
}

/** An answer's JSON body, or nothing when it has none. */
async function bodyOf(response: Response): Promise<Record<string, unknown>> {
  return (await response.json().catch(() => ({}))) as Record<string, unknown>;
}

/**
 * Calls the API route as the form says; a failed call (no answer at all) has no code. Also the
 * error answer's body, where a next step's token comes (POST /sessions: `mfa_token`).
 */
async function call(
  method: string,
  path: string,
  body: URLSearchParams,
): Promise<[Outcome, ErrorDetails, Record<string, unknown>]> {
  try {
    // `manual`: DELETE /sessions answers 302 to /, which fetch would follow as a DELETE.
    const response = await fetch(path, {
      method,
      // A form without fields (log out) sends no body; DELETE /users/me sends its password.
      body: body.toString() === '' ? null : body,
      redirect: 'manual',
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    if (response.ok || response.type === 'opaqueredirect') {
      const answer = response.ok ? await bodyOf(response) : {};
      return [{ ok: true, answer }, { code: null }, {}];
    }
    const { headers } = response;
    const details: ErrorDetails = {
      code: headers.get(ERROR_HEADERS.code),
      field: headers.get(ERROR_HEADERS.field),
      limit: numberOrNull(headers.get(ERROR_HEADERS.limit)),
      retryAfterSeconds: numberOrNull(headers.get('Retry-After')),
    };
    return [{ ok: false, code: details.code }, details, await bodyOf(response)];
  } catch {
    return [{ ok: false, code: null }, { code: null }, {}];
  }
}

function clearProblems(form: HTMLFormElement): void {
  for (const slot of form.querySelectorAll('[role=alert]')) slot.textContent = '';
  for (const input of form.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
  }
}

/** Shows the sentence in the form's slot for it, marks its field and gives it the focus. */
function showProblem(form: HTMLFormElement, problem: Problem): void {
  // The ids of a form on a page of several forms carry its prefix (lib/pages/html.ts).
  const prefix = form.dataset.idPrefix ?? '';
  const slot = form.querySelector(
    problem.field === null ? `#${prefix}form-error` : `#${prefix}${problem.field}-error`,
  );
  if (slot !== null) slot.textContent = problem.text;
  const input = problem.field === null ? null : form.elements.namedItem(problem.field);
  if (input instanceof HTMLInputElement) {
    input.setAttribute('aria-invalid', 'true');
    // A folded alternative (the recovery code) unfolds to show what went wrong.
    input.closest('details')?.setAttribute('open', '');
    input.focus();
  }
}

/** Sets the hidden input `name` of `form` to `value`, when both exist. */
function carry(form: HTMLFormElement, name: string, value: unknown): void {
  const input = form.elements.namedItem(name);
  if (input instanceof HTMLInputElement && typeof value === 'string') input.value = value;
}

/**
 * The forms a page shows after one error (data-shown-on: the login page's "send the mail again",
 * its second step): shown after theirs, each given the email the failed form holds, and hidden
 * after any other. A next step (data-step) takes the failed form's place, with the answer's
 * token, and the focus on its first field. Whether one did.
 */
function showFollowUps(
  form: HTMLFormElement,
  code: string | null,
  answer: Record<string, unknown>,
): boolean {
  const email = form.elements.namedItem('email');
  let stepped = false;
  for (const followUp of document.querySelectorAll<HTMLFormElement>('form[data-shown-on]')) {
    if (followUp === form) continue;
    followUp.hidden = followUp.dataset.shownOn !== code;
    if (email instanceof HTMLInputElement) carry(followUp, 'email', email.value);
    if (followUp.hidden || followUp.dataset.step === undefined) continue;
    carry(followUp, 'mfa_token', answer.mfa_token);
    form.hidden = true;
    followUp.querySelector<HTMLInputElement>('input:not([type=hidden])')?.focus();
    stepped = true;
  }
  return stepped;
}

async function submit(form: HTMLFormElement): Promise<void> {
  // The route's path is relative to the page (../sessions), as fetch resolves it.
  const [method = 'POST', path = ''] = (form.dataset.api ?? '').split(' ');
  const fields = new FormData(form);
  const body = new URLSearchParams();
  for (const [name, value] of fields) if (typeof value === 'string') body.append(name, value);
  clearProblems(form);
  const button = form.querySelector('button');
  form.setAttribute('aria-busy', 'true');
  if (button !== null) button.disabled = true;
  const [outcome, details, answer] = await call(method, path, body);
  form.removeAttribute('aria-busy');
  if (button !== null) button.disabled = false;
  // The page to go back to, as the form's address gives it (login?next=...).
  const back = new URL(form.action).searchParams.get('next');
  const next = nextPage(form.dataset.page ?? '', outcome, back);
  if (next !== null) {
    window.location.assign(next);
    return;
  }
  // A sentence goes next to a field a person fills in; hidden values have no slot of their own.
  const typed = [...fields.keys()].filter((name) => {
    const input = form.elements.namedItem(name);
    return !(input instanceof HTMLInputElement && input.type === 'hidden');
  });
  if (showFollowUps(form, details.code, answer)) return;
  showProblem(form, describeProblem(details, typed));
}

/**
 * A copy button (data-copy: the id of the list whose items it copies, one a line): hidden in the
 * page, for it works only here; says in the page's status line whether the copy went through.
 */
function copyButton(button: HTMLButtonElement): void {
  const list = document.getElementById(button.dataset.copy ?? '');
  const status = document.getElementById('copy-status');
  if (list === null) return;
  button.hidden = false;
  button.addEventListener('click', () => {
    const text = [...list.querySelectorAll('li')].map((item) => item.textContent.trim()).join('\n');
    const say = (sentence: string) => {
      if (status !== null) status.textContent = sentence;
    };
    navigator.clipboard.writeText(`${text}\n`).then(
      () => {
        say('The codes are copied.');
      },
      () => {
        say('The codes could not be copied: select them and copy them yourself.');
      },
    );
  });
}

for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-copy]')) {
  copyButton(button);
}

for (const form of document.querySelectorAll<HTMLFormElement>('form[data-api]')) {
  form.addEventListener('submit', (submitted) => {
    submitted.preventDefault();
    void submit(form);
  });
}
