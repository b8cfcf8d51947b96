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

/** Calls the API route as the form says; a failed call (no answer at all) has no code. */
async function call(
  method: string,
  path: string,
  body: URLSearchParams,
): Promise<[Outcome, ErrorDetails]> {
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
      const answer = response.ok
        ? ((await response.json().catch(() => ({}))) as Record<string, unknown>)
        : {};
      return [{ ok: true, answer }, { code: null }];
    }
    const { headers } = response;
    const details: ErrorDetails = {
      code: headers.get(ERROR_HEADERS.code),
      field: headers.get(ERROR_HEADERS.field),
      limit: numberOrNull(headers.get(ERROR_HEADERS.limit)),
      retryAfterSeconds: numberOrNull(headers.get('Retry-After')),
    };
    return [{ ok: false, code: details.code }, details];
  } catch {
    return [{ ok: false, code: null }, { code: null }];
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
    input.focus();
  }
}

/**
 * The forms a page shows after one error (data-shown-on: the login page's "send the mail again"):
 * shown after theirs, each given the email the failed form holds, and hidden after any other.
 */
function showFollowUps(form: HTMLFormElement, code: string | null): void {
  const email = form.elements.namedItem('email');
  for (const followUp of document.querySelectorAll<HTMLFormElement>('form[data-shown-on]')) {
    if (followUp === form) continue;
    followUp.hidden = followUp.dataset.shownOn !== code;
    const carried = followUp.elements.namedItem('email');
    if (carried instanceof HTMLInputElement && email instanceof HTMLInputElement) {
      carried.value = email.value;
    }
  }
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
  const [outcome, details] = await call(method, path, body);
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
  showProblem(form, describeProblem(details, typed));
  showFollowUps(form, details.code);
}

for (const form of document.querySelectorAll<HTMLFormElement>('form[data-api]')) {
  form.addEventListener('submit', (submitted) => {
    submitted.preventDefault();
    void submit(form);
  });
}
