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
 * text (lib/pages/assets.ts), so, like shared.ts, it stands alone (DOM and its parameter only) and
 * holds no named function.
 */
export function enhance(shared: Shared): void {
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-api]')) {
    form.addEventListener('submit', (submitted) => {
      submitted.preventDefault();
      void (async () => {
        const [method = 'POST', path = '/'] = (form.dataset.api ?? '').split(' ');
        const fields = new FormData(form);
        const body = new URLSearchParams();
        for (const [name, value] of fields) if (typeof value === 'string') body.append(name, value);
        for (const slot of form.querySelectorAll('[role=alert]')) slot.textContent = '';
        for (const input of form.querySelectorAll('[aria-invalid]')) {
          input.removeAttribute('aria-invalid');
        }
        const button = form.querySelector('button');
        form.setAttribute('aria-busy', 'true');
        if (button !== null) button.disabled = true;
        // No answer at all (no network) keeps status 0: described below like any unknown answer.
        let status = 0;
        let answer: Record<string, unknown> = {};
        let retryAfter: number | null = null;
        try {
          // `manual`: DELETE /sessions answers 302 to /, which fetch would follow as a DELETE.
          const response = await fetch(path, {
            method,
            body: method === 'DELETE' ? null : body,
            redirect: 'manual',
            credentials: 'same-origin',
            headers: { Accept: 'application/json' },
          });
          status = response.type === 'opaqueredirect' ? 302 : response.status;
          retryAfter = Number(response.headers.get('Retry-After')) || null;
          if (status !== 302) {
            answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
          }
        } catch {
          status = 0;
        }
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
      })();
    });
  }
}
