/**
 * A value from outside, for an error message: JSON-quoted (control characters, quotes and look-alikes
 * are escaped or visible) and shortened so that a hostile value cannot flood the one-line error.
 */
export function quote(value: string, max = 80): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}
