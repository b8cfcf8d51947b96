/**
 * style.css. Plain CSS in a string, so the pages Lambda carries it with no build step of its own.
 * Contrasts meet WCAG AA; every focusable element shows a thick outline when focused.
 */
export const STYLE_CSS = `:root {
  color-scheme: light;
  --ink: #1b1f24;
  --muted: #4a5360;
  --accent: #1d4ed8;
  --error: #b3261e;
  --ok: #136f3a;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  line-height: 1.5;
  color: var(--ink);
  background: #f4f6f9;
}
body { margin: 0; }
main {
  max-width: 26rem;
  margin: 3rem auto;
  padding: 2rem;
  background: #fff;
  border: 1px solid #d5dbe3;
  border-radius: 0.75rem;
}
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
.field { margin: 0 0 1rem; }
label, dt { display: block; font-weight: 600; margin-bottom: 0.25rem; }
.hint { margin: 0 0 0.25rem; color: var(--muted); font-size: 0.9rem; }
input {
  box-sizing: border-box;
  width: 100%;
  padding: 0.6rem 0.7rem;
  font: inherit;
  border: 1px solid #6b7480;
  border-radius: 0.4rem;
}
input[aria-invalid="true"] { border: 2px solid var(--error); }
button {
  font: inherit;
  font-weight: 600;
  padding: 0.6rem 1.2rem;
  color: #fff;
  background: var(--accent);
  border: none;
  border-radius: 0.4rem;
  cursor: pointer;
}
button:disabled { opacity: 0.6; cursor: progress; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #b45309; outline-offset: 2px; }
.field-error, .form-error { color: var(--error); font-weight: 600; margin: 0.25rem 0 0; }
.field-error:empty, .form-error:empty { margin: 0; }
.form-error:not(:empty) { margin: 0 0 1rem; }
.notice { color: var(--ok); font-weight: 600; }
dd { margin: 0 0 1.5rem; font-size: 1.1rem; }
h2 { font-size: 1.15rem; margin: 0 0 0.75rem; }
.sessions { list-style: none; padding: 0; margin: 0 0 1rem; }
.sessions li { margin: 0 0 1rem; padding: 0 0 1rem; border-bottom: 1px solid #d5dbe3; }
.sessions li:last-child { border-bottom: none; }
.sessions p { margin: 0 0 0.5rem; }
.device { font-weight: 600; }
form + form { margin-top: 1rem; }
section { margin: 0 0 1.5rem; padding: 1.5rem 0 0; border-top: 1px solid #d5dbe3; }
.banner { padding: 1rem; border: 2px solid #b45309; border-radius: 0.5rem; background: #fff7ed; }
.pending { padding: 0.5rem 0.75rem; border-left: 4px solid var(--accent); background: #eef2ff; }
.consequences li { margin: 0.25rem 0; }
button.danger { background: var(--error); }
h3 { font-size: 1rem; margin: 1.25rem 0 0.5rem; }
summary { cursor: pointer; color: var(--accent); margin: 0 0 0.75rem; }
.steps { padding-left: 1.25rem; }
.steps li { margin: 0 0 1rem; }
.qr { margin: 0.5rem 0; }
.qr svg { display: block; width: 12rem; height: 12rem; }
.secret, .recovery-codes code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 1rem; }
.secret { overflow-wrap: anywhere; }
.recovery-codes { columns: 2; padding-left: 1.25rem; }
.code-actions { display: flex; gap: 1rem; align-items: center; }
nav ul { list-style: none; padding: 0; margin: 1.5rem 0 0; }
nav li { margin: 0.25rem 0; }
`;
