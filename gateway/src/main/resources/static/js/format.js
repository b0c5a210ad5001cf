// Money travels as integer cents; only the display divides by 100.
export function formatPrice(cents, currency) {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(cents / 100);
}

export function formatWeight(grams) {
  const [value, unit] = grams >= 1000 ? [grams / 1000, 'kilogram'] : [grams, 'gram'];
  return new Intl.NumberFormat(undefined, { style: 'unit', unit, maximumFractionDigits: 1 }).format(value);
}

export function countLabel(count, noun) {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export function formatDateTime(iso) {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function formatDate(iso) {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'long' }).format(new Date(iso));
}
