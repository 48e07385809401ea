import type { CrewEntry } from '../../api/types';

const KEY_JOBS = [
  'Director',
  'Screenplay',
  'Writer',
  'Story',
  'Novel',
  'Producer',
  'Original Music Composer',
  'Director of Photography',
  'Editor',
];

/** Directors first, then the other key roles, one line per person. */
export function keyCrew(
  crew: CrewEntry[],
): Array<{ personId: number; name: string; jobs: string[] }> {
  const people = new Map<number, { name: string; jobs: string[] }>();
  const ranked = crew
    .filter((c) => KEY_JOBS.includes(c.job))
    .sort((a, b) => KEY_JOBS.indexOf(a.job) - KEY_JOBS.indexOf(b.job));
  for (const c of ranked) {
    const entry = people.get(c.person_id) ?? { name: c.name, jobs: [] };
    if (!entry.jobs.includes(c.job)) entry.jobs.push(c.job);
    people.set(c.person_id, entry);
  }
  return [...people].slice(0, 10).map(([personId, p]) => ({ personId, ...p }));
}
