// Builds elements with text nodes, never innerHTML, so product data cannot inject markup.
// Attributes set to null, undefined or false are left out; true sets a bare attribute.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value != null && value !== false) node.setAttribute(name, value === true ? '' : value);
  }
  node.append(...children);
  return node;
}
