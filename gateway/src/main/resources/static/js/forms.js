// What the shop's forms share: labelled fields whose wrapper also holds their error, one
// .form-message per form (#form-message on the account forms), and a submit handler that shows a
// failed request's field errors next to the fields the server named and everything else in the
// form message.
import { ApiError } from './api.js';
import { el } from './dom.js';

// name is the field's name in the API ("email", "address.country"), so a 400's errors find it.
export function field({ id, name, label, hint, ...inputAttributes }) {
  const hintId = hint ? `${id}-hint` : null;
  return el('div', { class: 'field' },
    el('label', { for: id }, label),
    hint ? el('p', { id: hintId, class: 'field-hint' }, hint) : '',
    el('input', { id, name, 'aria-describedby': hintId, ...inputAttributes }));
}

// A live region from the start (empty until needed), so screen readers announce what appears in it.
export function formMessage(text = '') {
  return el('p', { id: 'form-message', class: 'form-message notice', role: 'alert' }, text);
}

// submit gets the form's raw values by input name and may return a confirmation to show: text,
// or a list of text and nodes (such as a link onwards).
export function onSubmit(form, submit) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return; // a second click while the first is under way
    clearErrors(form);
    form.setAttribute('aria-busy', 'true');
    try {
      const confirmation = await submit(Object.fromEntries(new FormData(form)));
      if (confirmation) showMessage(form, 'success', ...[confirmation].flat());
    } catch (error) {
      showProblem(form, error);
    } finally {
      form.removeAttribute('aria-busy');
    }
  });
}

function showProblem(form, error) {
  if (!(error instanceof ApiError)) {
    showMessage(form, 'error', failureMessage(error));
    return;
  }
  const messagesByInput = new Map();
  let unplaced = false;
  for (const { field: name, message } of error.fieldErrors) {
    const input = form.elements.namedItem(name);
    if (input) messagesByInput.set(input, [...(messagesByInput.get(input) ?? []), message]);
    else unplaced = true;
  }
  messagesByInput.forEach(showFieldError);
  // When every problem sits beside its field, the form message only has to point there.
  showMessage(form, 'error', messagesByInput.size && !unplaced ? 'Please correct the marked fields.' : error.message);
  form.querySelector('[aria-invalid="true"]')?.focus();
}

function showFieldError(messages, input) {
  const error = el('p', { id: `${input.id}-error`, class: 'field-error' },
    [...new Set(messages)].map(sentence).join(' '));
  input.closest('.field').append(error);
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), error.id].filter(Boolean).join(' '));
}

function clearErrors(form) {
  for (const error of form.querySelectorAll('.field-error')) {
    const input = error.closest('.field').querySelector('input, select');
    const rest = input.getAttribute('aria-describedby').split(' ').filter((id) => id !== error.id);
    if (rest.length) input.setAttribute('aria-describedby', rest.join(' '));
    else input.removeAttribute('aria-describedby');
    input.removeAttribute('aria-invalid');
    error.remove();
  }
  showMessage(form, 'notice');
}

function showMessage(form, kind, ...content) {
  showStatus(form.querySelector('.form-message'), kind, ...content);
}

// Fills a .form-message, in or outside a form; kind is 'notice', 'success' or 'error'.
export function showStatus(message, kind, ...content) {
  message.replaceChildren(...content);
  message.className = `form-message ${kind}`;
}

// What to tell the shopper when something failed: a failed request explains itself; anything
// else is a bug in our code, logged for us and shown as a plain "try again".
export function failureMessage(error) {
  if (error instanceof ApiError) return error.message;
  console.error(error);
  return 'Something went wrong. Please try again.';
}

// Bean Validation speaks in fragments ("must not be blank"); shown alone they read better as sentences.
function sentence(message) {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
