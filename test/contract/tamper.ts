/**
 * Changes the last digit of a body (an id, a quantity or a price near the end of a JSON document),
 * which keeps it valid JSON of the same shape. Throws when the body has no digit.
 */
export function changeLastDigit(rawBody: string): string {
  const index = rawBody.search(/\d\D*$/);
  if (index === -1) throw new Error('changeLastDigit: the body has no digit to change.');
  const digit = Number(rawBody[index]);
  return `${rawBody.slice(0, index)}${(digit + 1) % 10}${rawBody.slice(index + 1)}`;
}
