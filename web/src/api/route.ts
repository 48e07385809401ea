// One route of the API, named once by its path and method as the OpenAPI document spells them
// (`route('/api/movies/{id}', 'get')`): the URL is built from that path, and what the route
// answers is derived from the generated `paths`, so an endpoint cannot pair a URL with another
// route's type, and a route the server renames or drops fails to type-check here.
import type { paths } from './schema';
import { queryString, type Param } from './query';

type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';

/** The paths that have an operation for `M`. */
type PathWith<M extends Method> = {
  [P in keyof paths]: paths[P][M] extends undefined ? never : P;
}[keyof paths];

type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;

type Json<R> = R extends { content: { 'application/json': infer B } } ? B : null;

/** The body of a success: 200's, else 201's or 202's; `null` for 204 No Content. */
type Success<R> = R extends { 200: infer S }
  ? Json<S>
  : R extends { 201: infer S }
    ? Json<S>
    : R extends { 202: infer S }
      ? Json<S>
      : null;

/** What a call of the route answers when it succeeds. */
export type Answer<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { responses: infer R } ? Success<R> : never;

/** The `{…}` parameters of the route's path, by name. */
type PathParams<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { parameters: { path: infer X } }
    ? X extends Record<string, unknown>
      ? { [K in keyof X]: string | number }
      : never
    : never;

type UrlArgs<P extends keyof paths, M extends Method> = [PathParams<P, M>] extends [never]
  ? [params?: undefined, query?: Record<string, Param>]
  : [params: PathParams<P, M>, query?: Record<string, Param>];

export interface Route<P extends keyof paths, M extends Method> {
  path: P;
  method: Uppercase<M>;
  /** The path with its parameters filled in, and the query's set values. */
  url: (...args: UrlArgs<P, M>) => string;
  /** Type only (always undefined): `typeof r.answer` is what the route answers. */
  answer: Answer<P, M>;
}

export function route<M extends Method, P extends PathWith<M>>(path: P, method: M): Route<P, M> {
  return {
    path,
    method: method.toUpperCase() as Uppercase<M>,
    url: (...[params, query]: UrlArgs<P, M>) => {
      const filled = String(path).replace(/\{([^}]+)\}/g, (_whole, name: string) => {
        const value = (params as Record<string, string | number> | undefined)?.[name];
        if (value === undefined) throw new Error(`${String(path)}: no value for {${name}}`);
        return encodeURIComponent(String(value));
      });
      return filled + (query ? queryString(query) : '');
    },
    answer: undefined as unknown as Answer<P, M>,
  };
}
