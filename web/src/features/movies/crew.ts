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
export function keyCrew(crew: CrewEntry[]): Array<{ name: string; jobs: string[] }> {
  const people = new Map<string, string[]>();
  const ranked = crew
    .filter((c) => KEY_JOBS.includes(c.job))
    .sort((a, b) => KEY_JOBS.indexOf(a.job) - KEY_JOBS.indexOf(b.job));
  for (const c of ranked) {
    const jobs = people.get(c.name) ?? [];
    if (!jobs.includes(c.job)) jobs.push(c.job);
    people.set(c.name, jobs);
  }
  return [...people].slice(0, 10).map(([name, jobs]) => ({ name, jobs }));
}
