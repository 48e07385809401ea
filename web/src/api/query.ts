export type Param = string | number | boolean | null | undefined;

/** `?a=1&b=x` from the parameters that are set (empty strings, null and undefined are left out). */
export function queryString(params: Record<string, Param>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
