const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});

/** A date from Unix seconds. */
export function formatDate(seconds: number | null | undefined): string {
  return seconds ? dateFormat.format(new Date(seconds * 1000)) : '—';
}

/** A date and time from Unix seconds. */
export function formatDateTime(seconds: number | null | undefined): string {
  return seconds ? dateTimeFormat.format(new Date(seconds * 1000)) : '—';
}

/** How long ago Unix second `seconds` was, from `now` (Unix seconds): `45 s`, `12 min`,
 * `3 h`, `5 days`. */
export function formatAge(seconds: number, now: number = Date.now() / 1000): string {
  const age = Math.max(0, Math.round(now - seconds));
  if (age < 60) return `${age} s`;
  if (age < 3600) return `${Math.floor(age / 60)} min`;
  if (age < 86400) return `${Math.floor(age / 3600)} h`;
  const days = Math.floor(age / 86400);
  return days === 1 ? '1 day' : `${days} days`;
}

/** A count as a card has room for: `7`, `812`, `1.2k`, `12k`, `1.3M`. */
export function formatCount(n: number): string {
  if (n < 1000) return `${n}`;
  if (n < 10_000) return `${(Math.floor(n / 100) / 10).toFixed(1).replace(/\.0$/, '')}k`;
  if (n < 1_000_000) return `${Math.floor(n / 1000)}k`;
  return `${(Math.floor(n / 100_000) / 10).toFixed(1).replace(/\.0$/, '')}M`;
}

/** `1.4 MB`, `812 KB`, `96 B`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** `2 h 15 min` from minutes. */
export function formatRuntime(minutes: number | null | undefined): string | null {
  if (!minutes) return null;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h ? `${h} h ${m.toString().padStart(2, '0')} min` : `${m} min`;
}

/** A person's name, or a fallback when they left it blank. */
export function personName(
  person: { first_name: string; last_name: string } | null | undefined,
  fallback = 'A NextFlex member',
): string {
  const name = person ? `${person.first_name} ${person.last_name}`.trim() : '';
  return name || fallback;
}
