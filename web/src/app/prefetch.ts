import { moviesApi } from '../api/movies';
import { pageCode } from '../App';
import { selectIsLoggedIn } from '../features/auth/authSlice';
import { readBrowseState, toMovieQuery } from '../features/movies/browseState';
import type { AppStore } from './store';

/**
 * Starts what the page a visit opens on needs — its code and its first API answers — before
 * React renders it, so that they load side by side instead of one after another (the page's code,
 * then its queries). The queries are asked with the arguments the page itself uses, so the page
 * finds them in RTK Query's cache, answered or under way; anything not asked here the page asks
 * as usual. Measured in the browser test's "time to content" (docs/benchmarks.md).
 */
export function prefetchPage(
  store: AppStore,
  { pathname, search }: { pathname: string; search: string },
) {
  const loggedIn = selectIsLoggedIn(store.getState());
  const params = new URLSearchParams(search);
  const ask = (action: ReturnType<typeof moviesApi.util.prefetch>) => store.dispatch(action);
  const prefetch = moviesApi.util.prefetch;
  const movie = /^\/movies\/(\d+)\/?$/.exec(pathname);
  if (pathname === '/') {
    ask(prefetch('getPopular', { limit: 40 }, {}));
    ask(prefetch('getLatest', { limit: 40 }, {}));
    ask(prefetch('getTopRated', { limit: 40 }, {}));
    if (loggedIn) ask(prefetch('getHomeRows', undefined, {}));
  } else if (pathname === '/browse') {
    void pageCode.browse();
    ask(prefetch('getMovies', toMovieQuery(readBrowseState(params)), {}));
    ask(prefetch('getGenres', undefined, {}));
    ask(prefetch('getLanguages', undefined, {}));
  } else if (movie) {
    void pageCode.movie();
    const id = Number(movie[1]);
    ask(prefetch('getMovie', id, {}));
    ask(prefetch('getSimilar', { id, k: 12 }, {}));
  } else if (pathname === '/for-you' && loggedIn) {
    void pageCode.forYou();
    ask(prefetch('getRecommendations', { k: 24, genre: params.get('genre') || undefined }, {}));
  } else if (pathname === '/watchlist' && loggedIn) {
    void pageCode.watchlist();
  }
}
