import { getProfile, updateProfile } from '../api.js';
import { el } from '../dom.js';
import { field, formMessage, onSubmit } from '../forms.js';
import { signInHash } from '../routes.js';
import { currentSession } from '../session.js';

// The signed-in shopper's profile: who they are, and the name and shipping address they can change.
export async function accountView() {
  if (!currentSession()) return { redirect: signInHash };
  const profile = await getProfile();
  const address = profile.address ?? {};
  const shownName = el('dd', { id: 'account-name' }, profile.name);

  const form = el('form', { id: 'profile-form', class: 'stacked-form', novalidate: true },
    el('h2', {}, 'Your details'),
    field({ id: 'profile-name', name: 'name', label: 'Name', autocomplete: 'name', required: true, value: profile.name }),
    el('fieldset', {},
      el('legend', {}, 'Shipping address'),
      field({ id: 'address-line1', name: 'address.line1', label: 'Street and number', autocomplete: 'address-line1',
        value: address.line1 }),
      field({ id: 'address-line2', name: 'address.line2', label: 'Apartment, floor, c/o (optional)',
        autocomplete: 'address-line2', value: address.line2 }),
      el('div', { class: 'field-row' },
        field({ id: 'address-postal-code', name: 'address.postalCode', label: 'Postal code', autocomplete: 'postal-code',
          value: address.postalCode }),
        field({ id: 'address-city', name: 'address.city', label: 'City', autocomplete: 'address-level2',
          value: address.city })),
      field({ id: 'address-country', name: 'address.country', label: 'Country', hint: 'Two-letter code, such as DE or US.',
        autocomplete: 'country', autocapitalize: 'characters', class: 'short-input', value: address.country })),
    formMessage(),
    el('button', { type: 'submit' }, 'Save'));
  onSubmit(form, async (values) => {
    const saved = await updateProfile(profileUpdate(values));
    shownName.textContent = saved.name;
    return 'Saved.';
  });

  return {
    title: 'Your account',
    node: el('div', { class: 'account-page' },
      el('h1', { tabindex: -1 }, 'Your account'),
      el('dl', { class: 'account-summary' },
        el('dt', {}, 'Name'), shownName,
        el('dt', {}, 'Email'), el('dd', { id: 'account-email' }, profile.email)),
      form),
  };
}

// A shopper may keep no address at all, so a form left entirely blank clears it instead of
// failing on four required fields.
function profileUpdate(values) {
  const part = (key) => values[`address.${key}`].trim();
  const address = {
    line1: part('line1'),
    line2: part('line2') || null,
    city: part('city'),
    postalCode: part('postalCode'),
    country: part('country').toUpperCase(), // the API wants an ISO code such as DE, not de
  };
  const blank = Object.values(address).every((value) => !value);
  return { name: values.name.trim(), address: blank ? null : address };
}
