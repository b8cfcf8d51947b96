import type { describeProblem, MessageRule, nextPage } from './shared';

/** What app.js hands to `enhance`: the functions and rules of shared.ts. */
export interface Shared {
  rules: readonly MessageRule[];
  describeProblem: typeof describeProblem;
  nextPage: typeof nextPage;
}

/**
 * The pages' JavaScript (app.js): each form goes to its API route with fetch instead of being
 * posted to the page, and the answer either leads to the next page or shows its sentence next to
 * its field, at once and without losing what was typed. It runs in the browser from its source
 * text (lib/pages/assets.ts), so, like shared.ts, it stands alone: DOM and its parameter only.
 */
export function enhance(shared: Shared): void {
  function clearProblems(form: HTMLFormElement): void {
    for (const slot of form.querySelectorAll('[role=alert]')) slot.textContent = '';
    for (const input of form.querySelectorAll('[aria-invalid]')) {
      input.removeAttribute('aria-invalid');
    }
  }

  async function call(
    form: HTMLFormElement,
    fields: FormData,
  ): Promise<{ status: number; answer: Record<string, unknown>; retryAfter: number | null }> {
    const [method = 'POST', path = '/'] = (form.dataset.api ?? '').split(' ');
    const body = new URLSearchParams();
    for (const [name, value] of fields) if (typeof value === 'string') body.append(name, value);
    try {
      // `manual`: DELETE /sessions answers 302 to /, which fetch would follow as a DELETE.
      const response = await fetch(path, {
        method,
        body: method === 'DELETE' ? null : body,
        redirect: 'manual',
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
      });
      if (response.type === 'opaqueredirect') return { status: 302, answer: {}, retryAfter: null };
      const retryAfter = Number(response.headers.get('Retry-After')) || null;
      const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      return { status: response.status, answer, retryAfter };
    } catch {
      // No answer at all (offline): described below like any answer no rule knows.
      return { status: 0, answer: {}, retryAfter: null };
    }
  }

  async function send(form: HTMLFormElement): Promise<void> {
    const button = form.querySelector('button');
    const fields = new FormData(form);
    clearProblems(form);
    form.setAttribute('aria-busy', 'true');
    if (button !== null) button.disabled = true;
    const { status, answer, retryAfter } = await call(form, fields);
    form.removeAttribute('aria-busy');
    if (button !== null) button.disabled = false;
    const next = shared.nextPage(form.dataset.page ?? '', status, answer);
    if (next !== null) {
      window.location.assign(next);
      return;
    }
    const names = [...fields.keys()];
    const problem = shared.describeProblem(shared.rules, answer.message, retryAfter, names);
    const slot = form.querySelector(
      problem.field === null ? '#form-error' : `#${problem.field}-error`,
    );
    if (slot !== null) slot.textContent = problem.text;
    const input = problem.field === null ? null : form.elements.namedItem(problem.field);
    if (input instanceof HTMLInputElement) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  }

  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-api]')) {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void send(form);
    });
  }
}
