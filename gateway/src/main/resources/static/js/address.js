// The postal address as the shop's forms ask for it (the account's saved address, checkout's
// shipping address) and as the API takes it: {line1, line2, city, postalCode, country}.
import { field } from './forms.js';
import { el } from './dom.js';

// idPrefix names the inputs ("address" gives #address-city); namePrefix is the field's path in the
// API ("address" gives "address.city"), so a 400's field errors find their input.
export function addressFields({ idPrefix, namePrefix, address = {}, required = false }) {
  const input = (key, id, label, attributes) => field({
    id: `${idPrefix}-${id}`, name: `${namePrefix}.${key}`, label, value: address[key], required, ...attributes,
  });
  return [
    input('line1', 'line1', 'Street and number', { autocomplete: 'address-line1' }),
    input('line2', 'line2', 'Apartment, floor, c/o (optional)', { autocomplete: 'address-line2', required: false }),
    el('div', { class: 'field-row' },
      input('postalCode', 'postal-code', 'Postal code', { autocomplete: 'postal-code' }),
      input('city', 'city', 'City', { autocomplete: 'address-level2' })),
    input('country', 'country', 'Country', {
      hint: 'Two-letter code, such as DE or US.', autocomplete: 'country', autocapitalize: 'characters',
      class: 'short-input country-input',
    }),
  ];
}

// The address from a form's raw values, trimmed, with an empty second line left out.
export function readAddress(values, namePrefix) {
  const part = (key) => (values[`${namePrefix}.${key}`] ?? '').trim();
  return {
    line1: part('line1'),
    line2: part('line2') || null,
    city: part('city'),
    postalCode: part('postalCode'),
    country: part('country').toUpperCase(), // the API wants an ISO code such as DE, not de
  };
}

export function isBlank(address) {
  return Object.values(address).every((value) => !value);
}

// For reading, as on a parcel; the country by its name where the browser knows it.
export function postalAddress({ line1, line2, city, postalCode, country }) {
  const lines = [line1, line2, [postalCode, city].filter(Boolean).join(' '), countryName(country)].filter(Boolean);
  return el('address', {}, ...lines.flatMap((line, i) => (i ? [el('br'), line] : [line])));
}

function countryName(code) {
  try {
    return new Intl.DisplayNames(undefined, { type: 'region' }).of(code);
  } catch {
    return code; // not a code Intl knows
  }
}
