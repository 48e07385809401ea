import type { TokenPair } from '../../api/types';

const KEY = 'nextflex.tokens';

/** The token pair kept across reloads, or null. Bad or missing data reads as logged out. */
export function loadTokens(): TokenPair | null {
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    if (!raw) return null;
    const parsed: unknown = JSON.parse(raw);
    if (
      parsed &&
      typeof parsed === 'object' &&
      typeof (parsed as TokenPair).access === 'string' &&
      typeof (parsed as TokenPair).refresh === 'string'
    ) {
      return { access: (parsed as TokenPair).access, refresh: (parsed as TokenPair).refresh };
    }
  } catch {
    // Unreadable storage (private mode, corrupt JSON): start logged out.
  }
  return null;
}

export function saveTokens(tokens: TokenPair | null): void {
  try {
    if (tokens) globalThis.localStorage?.setItem(KEY, JSON.stringify(tokens));
    else globalThis.localStorage?.removeItem(KEY);
  } catch {
    // Storage full or disabled: the session lasts until the tab closes.
  }
}
