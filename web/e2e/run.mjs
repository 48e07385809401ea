#!/usr/bin/env node
// End-to-end check of the NextFlex web app against a running server, in Debian's Chromium
// (never a downloaded browser). See web/README.md for the environment variables.
//
// Flow: register (lands on the taste picker) → log out → log in → search by typing → open a
// movie → header suggestions → rate five movies → "For you" is personalised and differs from
// before → not interested, watchlist, seen → import a Letterboxd file → home rows say why, a card's
// "not interested" → watch together with a guest → open a similar movie (with its reason) →
// a keyword's page → browse with several genres, a length and a language → focus rings →
// create a post with an image and see its metadata → log out → log in as admin → dashboard →
// delete the post from the admin posts table → the post is gone from the feed → home and Browse
// on a phone. Screenshots of every page.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`e2e: set ${name} (see web/README.md)`);
    process.exit(2);
  }
  return value;
}

const BASE = required('NEXTFLEX_E2E_URL').replace(/\/+$/, '');
const ADMIN_EMAIL = required('NEXTFLEX_E2E_ADMIN_EMAIL');
const ADMIN_PASSWORD = required('NEXTFLEX_E2E_ADMIN_PASSWORD');
const SHOTS = path.resolve(process.env.NEXTFLEX_E2E_SHOTS || path.join(here, 'shots'));
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.error(`e2e: no browser at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  process.exit(2);
}
const TOTAL_TIMEOUT_MS = Number(process.env.NEXTFLEX_E2E_TIMEOUT_MS || 5 * 60 * 1000);
/** The server may still be building its recommenders when the run starts. */
const WARM_UP_MS = 150_000;

const DESKTOP = { width: 1280, height: 800 };
const MOBILE = { width: 375, height: 800 };
const IMAGE = { width: 64, height: 48, name: 'e2e-poster.png' };
const RATINGS = [5, 4.5, 4, 5, 3.5];

// ---------------------------------------------------------------------------------------------
// A small PNG, made here so that the run needs no fixture files.

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** An RGB PNG of `width` × `height` with a diagonal gradient. */
function makePng(width, height) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const rows = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3); // filter byte 0, then pixels
    for (let x = 0; x < width; x += 1) {
      row[1 + x * 3] = Math.round((255 * x) / width);
      row[2 + x * 3] = 90;
      row[3 + x * 3] = Math.round((255 * y) / height);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Steps

let browser;
let page;
let passed = 0;
let failed = 0;
const pageErrors = [];

class StepError extends Error {}

function check(condition, message) {
  if (!condition) throw new StepError(message);
}

async function shot(name, target = page) {
  const file = path.join(SHOTS, `${name}.png`);
  await target.screenshot({ path: file, fullPage: false });
  console.log(`    screenshot ${path.relative(process.cwd(), file)}`);
}

async function step(name, fn) {
  const started = Date.now();
  console.log(`▶ ${name}`);
  try {
    await fn();
    passed += 1;
    console.log(`✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    failed += 1;
    console.error(`✗ ${name}: ${error instanceof Error ? error.message : error}`);
    if (page && !page.isClosed()) {
      const slug = name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '');
      await page
        .screenshot({ path: path.join(SHOTS, `failed-${slug}.png`) })
        .then(() => console.error(`    screenshot of the failure: failed-${slug}.png`))
        .catch(() => {});
      console.error(`    at ${page.url()}`);
    }
    throw error;
  }
}

function url(p) {
  return `${BASE}${p}`;
}

async function goto(p) {
  await page.goto(url(p), { waitUntil: 'domcontentloaded' });
}

// Waits for answers skip 401s: the app refreshes an expired access token and asks again.

/**
 * Chooses `value` (half stars) on the MUI Rating inside `root` with the keyboard, as a keyboard
 * or screen-reader user does: focus the star's radio button and press Space.
 */
async function chooseStars(root, value) {
  const star = root.getByRole('radio', { name: `${value} out of 5 stars`, exact: true });
  await star.focus();
  await page.keyboard.press('Space');
}

/** The form field labelled `name` (MUI appends " *" to the label of a required field). */
function field(name) {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return page.getByLabel(new RegExp(`^${escaped}(\\s*\\*)?$`));
}

async function openAccountMenu() {
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menu').waitFor();
}

async function logOut() {
  await openAccountMenu();
  const logout = page.waitForResponse(
    (r) => r.url().endsWith('/auth/jwt/logout/') && r.request().method() === 'POST',
  );
  await page.getByRole('menuitem', { name: 'Log out' }).click();
  const response = await logout;
  check(response.status() === 204, `logout answered ${response.status()}, expected 204`);
  await page.getByRole('link', { name: 'Log in', exact: true }).waitFor();
}

async function logIn(email, password) {
  await goto('/login');
  await field('Email').fill(email);
  await field('Password').fill(password);
  const created = page.waitForResponse((r) => r.url().endsWith('/auth/jwt/create/'));
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  const response = await created;
  check(response.status() === 200, `login answered ${response.status()}`);
  await page.getByRole('button', { name: 'Account menu' }).waitFor();
}

/** `GET path` as the logged-in user, read in the page with the app's own stored token. */
async function api(p) {
  return page.evaluate(async (p) => {
    const { access } = JSON.parse(localStorage.getItem('nextflex.tokens') ?? '{}');
    const response = await fetch(p, { headers: { Authorization: `Bearer ${access}` } });
    return response.json();
  }, p);
}

/** The caller's films: ratings (id and stars), watchlist, seen and dismissed ids, sorted. */
async function myFilms() {
  const ids = (list) => list.map((e) => e.movie_id).sort((a, b) => a - b);
  const ratings = (await api('/api/me/ratings')).map((r) => `${r.movie.id}:${r.rating}`).sort();
  return {
    ratings,
    watchlist: ids(await api('/api/me/watchlist')),
    seen: ids(await api('/api/me/seen')),
    dismissed: ids(await api('/api/me/dismissed')),
  };
}

/** The movie ids of the cards inside `scope`, in order. */
async function cardIds(scope) {
  return scope
    .locator('[data-testid="movie-card"]')
    .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-movie-id')));
}

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const email = `e2e-${stamp}@example.com`;
  const password = `Velvet-Harbor-${stamp.slice(-5)}!`;
  const postTitle = `E2E post ${stamp}`;
  const png = makePng(IMAGE.width, IMAGE.height);
  let toyStoryPath = '';
  let postId = '';

  console.log(`e2e: ${BASE} with ${CHROMIUM}; screenshots in ${SHOTS}`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox'],
    headless: true,
  });
  // Reduced motion: charts and transitions settle at once, so screenshots show the final state.
  const context = await browser.newContext({ viewport: DESKTOP, reducedMotion: 'reduce' });
  // No internet here: refuse TMDB posters at once so that the generated posters show.
  await context.route(/^https:\/\/image\.tmdb\.org\//, (route) => route.abort());
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));

  await step('home page loads its rows', async () => {
    await goto('/');
    await page
      .locator('[data-testid="row-popular"] [data-testid="movie-card"]')
      .first()
      .waitFor({ timeout: WARM_UP_MS });
    await page.locator('[data-testid="row-latest"] [data-testid="movie-card"]').first().waitFor();
    await page
      .locator('[data-testid="row-top-rated"] [data-testid="movie-card"]')
      .first()
      .waitFor();
    await shot('home');
  });

  let before = [];
  await step('register a new user', async () => {
    await goto('/register');
    await field('First name').fill('Erin');
    await field('Last name').fill('Tester');
    await field('Email').fill(email);
    await field('Password').fill(password);
    await field('Repeat password').fill(password);
    const registered = page.waitForResponse((r) => r.url().endsWith('/auth/users/'));
    await page.getByRole('button', { name: 'Create account' }).click();
    const response = await registered;
    check(response.status() === 201, `registration answered ${response.status()}`);
    // A new account starts at the taste picker.
    await page.waitForURL(/\/taste$/);
    await page.getByTestId('taste-item').first().waitFor();
    await shot('taste-picker');
    await goto('/for-you');
    // Not personalised yet: the top-rated fallback.
    await page.getByTestId('for-you-fallback').waitFor();
    await page.locator('[data-testid="movie-card"]').first().waitFor();
    before = await cardIds(page);
    check(before.length > 0, 'the "For you" page shows no movies before rating');
    await shot('for-you-before-rating');
  });

  await step('log out and log in again', async () => {
    await logOut();
    await logIn(email, password);
  });

  await step('search a movie by typing', async () => {
    await goto('/browse');
    const search = page.getByLabel('Search titles, or describe a film');
    await search.click();
    await search.pressSequentially('toy story', { delay: 60 });
    await page.waitForURL(/[?&]q=toy\+story/);
    // The count names the search once its results (not the popular list before them) show.
    await page.getByTestId('result-count').filter({ hasText: 'for “toy story”' }).waitFor();
    const result = page
      .getByRole('list', { name: 'Search results' })
      .getByRole('link', { name: /^Toy Story( \(\d{4}\))?$/ })
      .first();
    await result.waitFor();
    await shot('browse');
    await result.click();
    await page.waitForURL(/\/movies\/\d+$/);
    toyStoryPath = new URL(page.url()).pathname;
    await page.getByRole('heading', { level: 1, name: /Toy Story/ }).waitFor();
    await page.getByTestId('rating-stats').waitFor();
    await page.getByTestId('rating-control').waitFor();
    await shot('movie');
  });

  await step('header search suggests titles as you type', async () => {
    const header = page.getByLabel('Search the catalogue');
    await header.click();
    // Run together, as people type it: the suggestion is still Spider-Man.
    await header.pressSequentially('spiderm', { delay: 60 });
    const first = page.getByTestId('search-suggestion').first();
    await first.waitFor();
    const text = await first.innerText();
    check(
      /^Spider-Man\b/.test(text),
      `the first suggestion for "spiderm" is ${JSON.stringify(text)}`,
    );
    await shot('search-suggestions');
    await header.press('Escape');
    await header.fill('');
    // One query after another: the second never shows the first one's films.
    await header.pressSequentially('halloween', { delay: 40 });
    await page.getByTestId('search-suggestion').filter({ hasText: 'Halloween' }).first().waitFor();
    await header.fill('');
    await header.pressSequentially('jaws', { delay: 40 });
    const shown = new Set();
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      for (const t of await page.getByTestId('search-suggestion').allInnerTexts()) shown.add(t);
      await page.waitForTimeout(50);
    }
    const stale = [...shown].filter((t) => t.includes('Halloween'));
    check(stale.length === 0, `after "jaws", the suggestions showed ${JSON.stringify(stale)}`);
    check(
      [...shown].some((t) => t.startsWith('Jaws')),
      `no suggestion for "jaws": ${JSON.stringify([...shown])}`,
    );
    await header.press('Escape');
    await header.fill('');
  });

  await step('rate five movies on their pages', async () => {
    await page.locator('[data-testid="row-similar"] [data-testid="movie-card"]').first().waitFor();
    const similar = await cardIds(page.getByTestId('row-similar'));
    const ids = [toyStoryPath.split('/').pop(), ...similar.slice(0, 4)];
    check(ids.length === 5, `only ${ids.length} movies to rate`);
    for (const [i, id] of ids.entries()) {
      await goto(`/movies/${id}`);
      const control = page.getByTestId('rating-control');
      await control.waitFor();
      const saved = page.waitForResponse(
        (r) =>
          r.url().endsWith(`/api/movies/${id}/rating`) &&
          r.request().method() === 'PUT' &&
          r.status() !== 401,
      );
      await chooseStars(control, RATINGS[i]);
      const response = await saved;
      check(response.status() === 200, `rating movie ${id} answered ${response.status()}`);
      const body = await response.json();
      check(body.rating === RATINGS[i], `movie ${id} was rated ${body.rating}, not ${RATINGS[i]}`);
      await page
        .getByTestId('rating-status')
        .filter({ hasText: `You rated it ${RATINGS[i]}` })
        .waitFor();
    }
  });

  await step('"For you" is personalised and has changed', async () => {
    await goto('/for-you');
    await page.getByTestId('for-you-personalised').waitFor();
    await page.getByTestId('recommendation-reason').first().waitFor();
    const reasons = await page.getByTestId('recommendation-reason').allTextContents();
    check(
      reasons.some((r) => r.includes('Because you liked')),
      'no recommendation says which ratings it comes from',
    );
    const after = await cardIds(page);
    check(after.length > 0, 'no recommendations after rating five movies');
    check(
      JSON.stringify(after) !== JSON.stringify(before),
      'the recommendations are the same as before rating',
    );
    await shot('for-you');
  });

  await step(
    'time to content: home, Browse, a movie page and "For you" (median of 3)',
    async () => {
      // From the start of navigation to the first film on screen, read off the page's own clock.
      const pages = [
        ['home', '/', '[data-testid="row-popular"] [data-testid="movie-card"]'],
        ['browse', '/browse', '[data-testid="movie-card"]'],
        ['movie', toyStoryPath, 'h1'],
        ['for you', '/for-you', '[data-testid="recommendation-reason"]'],
      ];
      const medians = {};
      for (const [name, p, selector] of pages) {
        const times = [];
        for (let i = 0; i < 3; i += 1) {
          await goto(p);
          const shown = await page.waitForFunction(
            (css) => (document.querySelector(css) ? performance.now() : 0),
            selector,
            { polling: 'raf' },
          );
          times.push(await shown.jsonValue());
        }
        times.sort((a, b) => a - b);
        medians[name] = Math.round(times[1]);
      }
      console.log(`    time to content (ms): ${JSON.stringify(medians)}`);
      writeFileSync(path.join(SHOTS, 'time-to-content.json'), `${JSON.stringify(medians)}\n`);
    },
  );

  await step(
    '"Not interested" removes a film from "For you"; the watchlist keeps one',
    async () => {
      const [dismissed, watched] = await cardIds(page);
      check(Boolean(dismissed && watched), 'fewer than two recommendations');
      await goto(`/movies/${dismissed}`);
      const saved = page.waitForResponse(
        (r) => r.url().endsWith(`/api/me/dismissed/${dismissed}`) && r.request().method() === 'PUT',
      );
      await page.getByTestId('dismiss-toggle').click();
      check((await saved).status() === 200, 'dismissing was refused');
      await page.getByTestId('dismiss-toggle').filter({ hasText: 'undo' }).waitFor();
      await goto('/for-you');
      await page.getByTestId('for-you-personalised').waitFor();
      await page.getByTestId('recommendation-reason').first().waitFor();
      const now = await cardIds(page);
      check(!now.includes(dismissed), `the dismissed movie ${dismissed} is still recommended`);

      await goto(`/movies/${watched}`);
      await page.getByTestId('watchlist-toggle').click();
      await page.getByTestId('watchlist-toggle').filter({ hasText: 'On your watchlist' }).waitFor();
      await shot('movie-on-watchlist');
      await goto('/watchlist');
      await page.getByRole('list', { name: 'Your watchlist' }).waitFor();
      const listed = await cardIds(page.getByRole('list', { name: 'Your watchlist' }));
      check(
        JSON.stringify(listed) === JSON.stringify([watched]),
        `the watchlist holds ${listed}, not ${watched}`,
      );
      await shot('watchlist');
    },
  );

  await step('"Seen it" takes a film out of "For you" and lists it as seen', async () => {
    await goto('/for-you');
    await page.getByTestId('recommendation-reason').first().waitFor();
    const [first] = await cardIds(page);
    await goto(`/movies/${first}`);
    const saved = page.waitForResponse(
      (r) => r.url().endsWith(`/api/me/seen/${first}`) && r.request().method() === 'PUT',
    );
    await page.getByTestId('seen-toggle').click();
    check((await saved).status() === 200, 'marking the film seen was refused');
    await page.locator('[data-testid="seen-toggle"][aria-pressed="true"]').waitFor();
    await shot('movie-seen');
    await goto('/for-you');
    await page.getByTestId('recommendation-reason').first().waitFor();
    check(!(await cardIds(page)).includes(first), `the seen film ${first} is still recommended`);
    await goto('/watchlist');
    const seen = page.getByRole('list', { name: 'Films you have seen' });
    await seen.waitFor();
    const listed = await cardIds(seen);
    check(JSON.stringify(listed) === JSON.stringify([first]), `"Seen" holds ${listed}`);
    await shot('watchlist-seen');
  });

  await step(
    'import a Letterboxd file: matched, skipped and later rows, and "For you" changes',
    async () => {
      await goto('/for-you');
      await page.getByTestId('recommendation-reason').first().waitFor();
      const before = await cardIds(page);
      await goto('/profile');
      const csv =
        '\ufeffDate,Name,Year,Letterboxd URI,Rating\r\n' +
        '2024-01-01,Finding Nemo,2003,https://boxd.it/1,5\r\n' +
        '2024-01-02,Wall-E,2008,https://boxd.it/2,5\r\n' +
        '2024-01-03,Up,2009,https://boxd.it/3,5\r\n' +
        '2024-01-04,Ratatouille,2007,https://boxd.it/4,4.5\r\n' +
        '2024-01-05,A Film Nobody Made,2011,https://boxd.it/5,2\r\n' +
        '2024-01-06,Dune: Part Two,2024,https://boxd.it/6,4\r\n' +
        '2024-01-07,Alien,1979,https://boxd.it/7,\r\n';
      await page.getByTestId('import-file').setInputFiles({
        name: 'ratings.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv),
      });
      await page.getByTestId('import-submit').click();
      const summary = page.getByTestId('import-summary');
      await summary.waitFor();
      const text = await summary.textContent();
      check(text?.includes('6 rows · 4 matched'), `the import says ${text}`);
      check(text?.includes('is not in this catalogue yet'), `no word of the 2024 film: ${text}`);
      await page.getByTestId('import-unmatched').first().waitFor();
      const skipped = await page.getByTestId('import-skipped').textContent();
      check(skipped?.includes('1 row could not be read'), `the skipped rows say ${skipped}`);
      await page.getByTestId('import-skipped').locator('summary').click();
      await shot('profile-import');
      await goto('/for-you');
      await page.getByTestId('recommendation-reason').first().waitFor();
      const after = await cardIds(page);
      check(JSON.stringify(after) !== JSON.stringify(before), '"For you" did not change');
    },
  );

  await step('home rows say why; "not interested" on a card takes the film away', async () => {
    await goto('/');
    const forYou = page.getByTestId('row-for_you');
    await forYou.locator('[data-testid="movie-card"]').first().waitFor();
    const titles = await page.locator('section h2').allTextContents();
    check(
      titles.some((t) => t.startsWith('Because you rated ')),
      `no "Because you rated" row among ${JSON.stringify(titles)}`,
    );
    await page
      .locator('[data-testid="row-top-rated"] [data-testid="movie-card"]')
      .first()
      .waitFor();
    const ids = await cardIds(page.locator('main'));
    const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
    check(twice.length === 0, `films shown twice on the home page: ${twice}`);
    await shot('home-rows');
    const card = forYou.locator('[data-testid="movie-card"]').first();
    const id = await card.getAttribute('data-movie-id');
    await card.hover();
    const saved = page.waitForResponse(
      (r) => r.url().endsWith(`/api/me/dismissed/${id}`) && r.request().method() === 'PUT',
    );
    await card.getByTestId('quick-dismiss').click();
    check((await saved).status() === 200, 'dismissing from the card was refused');
    await page
      .locator(`[data-testid="row-for_you"] [data-movie-id="${id}"]`)
      .waitFor({ state: 'detached' });
    // The snackbar's Undo brings it back.
    const undone = page.waitForResponse(
      (r) => r.url().endsWith(`/api/me/dismissed/${id}`) && r.request().method() === 'DELETE',
    );
    await page.getByRole('button', { name: 'Undo' }).click();
    check((await undone).status() === 204, 'undoing the dismissal was refused');
    const dismissed = (await api('/api/me/dismissed')).map((e) => String(e.movie_id));
    check(!dismissed.includes(id), `${id} is still dismissed after Undo`);
  });

  await step(
    "a returning user's home: no hero, nothing they rated in Popular or Top rated",
    async () => {
      await goto('/');
      await page
        .locator('[data-testid="row-popular"] [data-testid="movie-card"]')
        .first()
        .waitFor();
      await page
        .locator('[data-testid="row-top-rated"] [data-testid="movie-card"]')
        .first()
        .waitFor();
      check(
        (await page.getByText('Find your next favourite film.').count()) === 0,
        'the newcomer hero is still there',
      );
      const rated = new Set((await api('/api/me/ratings')).map((r) => String(r.movie.id)));
      check(rated.size >= 5, `only ${rated.size} ratings`);
      for (const row of ['row-popular', 'row-top-rated']) {
        const shown = (await cardIds(page.getByTestId(row))).filter((id) => rated.has(id));
        check(shown.length === 0, `${row} shows films the user rated: ${shown}`);
      }
    },
  );

  await step('watch together with a guest who pastes their ratings', async () => {
    await goto('/together');
    await page.getByLabel(/^Friend's name/).fill('Sam');
    await page
      .getByTestId('group-guest-ratings')
      .fill(
        'title,year,rating\nThe Shining,1980,5\nHalloween,1978,5\nAlien,1979,4.5\nScream,1996,5\n',
      );
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/recommend/group'));
    await page.getByTestId('group-submit').click();
    check((await answered).status() === 200, 'the group request was refused');
    const results = page.getByTestId('group-results');
    await results.locator('[data-testid="movie-card"]').first().waitFor();
    const shares = await results.getByTestId('group-shares').first().textContent();
    check(
      Boolean(shares?.includes('You') && shares.includes('Sam')),
      `the first film's shares read ${shares}`,
    );
    await shot('together');
  });

  await step('open a similar movie from a movie page, which says why it is there', async () => {
    await goto(toyStoryPath);
    const row = page.getByTestId('row-similar');
    const first = row.locator('[data-testid="movie-card"] a').first();
    await first.scrollIntoViewIfNeeded();
    const card = await row.locator('[data-testid="movie-card"]').first().textContent();
    check(
      /Same series|Also|Liked by the same people/.test(card ?? ''),
      `the first similar card gives no reason: ${card}`,
    );
    await shot('movie-similar-why');
    const name = await first.getAttribute('aria-label');
    await first.click();
    await page.waitForURL((u) => /\/movies\/\d+$/.test(u.pathname) && u.pathname !== toyStoryPath);
    const title = name?.replace(/ \(\d{4}\)$/, '') ?? '';
    await page.getByRole('heading', { level: 1 }).filter({ hasText: title }).waitFor();
    await shot('movie-similar');
  });

  await step("open a keyword's page from a movie page", async () => {
    await goto(toyStoryPath);
    const chip = page.locator('a[href^="/keywords/"]').first();
    await chip.scrollIntoViewIfNeeded();
    const word = (await chip.textContent())?.trim() ?? '';
    await chip.click();
    await page.waitForURL((u) => /\/keywords\/\d+$/.test(u.pathname));
    await page.getByRole('heading', { level: 1, name: word }).waitFor();
    await page.locator('[data-testid="movie-card"]').first().waitFor();
    check(
      (await page.getByTestId('keyword-count').textContent())?.includes('film'),
      'the keyword page counts no films',
    );
    await shot('keyword');
  });

  await step('browse several genres at once, short films, films in French', async () => {
    const counted = async () => {
      await page.locator('[data-testid="movie-card"]').first().waitFor();
      const count = (await page.getByTestId('result-count').textContent()) ?? '';
      check(/^\d[\d,]* movies?/.test(count), `the result count reads ${count}`);
      return Number.parseInt(count.replace(/,/g, ''), 10);
    };
    await goto('/browse?genre=Animation');
    const animated = await counted();
    await goto('/browse?genre=Animation,Comedy&runtime_max=89');
    const short = await counted();
    check(short > 0 && short < animated, `${short} short animated comedies of ${animated}`);
    await shot('browse-filters');
    await goto('/browse?language=fr&sort=top_rated');
    await counted();
  });

  await step('every control the keyboard reaches on Browse shows a focus ring', async () => {
    await goto('/browse');
    await page.locator('[data-testid="movie-card"]').first().waitFor();
    const unmarked = [];
    for (let i = 0; i < 30; i += 1) {
      await page.keyboard.press('Tab');
      const focus = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const style = getComputedStyle(el);
        const ring = style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 2;
        // A text field shows focus by its own 2 px border.
        const field = el.closest('.MuiInputBase-root.Mui-focused') !== null;
        const name = el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? '';
        return { ok: ring || field, what: `${el.tagName.toLowerCase()} "${name}"` };
      });
      if (focus && !focus.ok) unmarked.push(focus.what);
    }
    check(unmarked.length === 0, `no visible focus on ${unmarked.join(', ')}`);
    await shot('browse-keyboard-focus');
  });

  await step('create a post with an image and see its metadata', async () => {
    await goto('/posts/new');
    await field('Title').fill(postTitle);
    const movie = page.getByLabel('Catalogue movie (optional)');
    await movie.click();
    await movie.pressSequentially('Toy Story', { delay: 40 });
    await page
      .getByRole('option', { name: /^Toy Story( \(\d{4}\))?$/ })
      .first()
      .click();
    await page
      .getByLabel('What did you think?')
      .fill('Still the best toy movie. Posted by the end-to-end check.');
    await chooseStars(page.getByRole('radiogroup', { name: 'Your rating (optional)' }), 4);
    await page.getByTestId('post-image-input').setInputFiles({
      name: IMAGE.name,
      mimeType: 'image/png',
      buffer: png,
    });
    await page.getByTestId('post-image-preview').waitFor();
    const created = page.waitForResponse(
      (r) =>
        new URL(r.url()).pathname === '/api/posts' &&
        r.request().method() === 'POST' &&
        r.status() !== 401,
    );
    await page.getByRole('button', { name: 'Publish post' }).click();
    const response = await created;
    check(response.status() === 201, `creating the post answered ${response.status()}`);
    await page.waitForURL(/\/posts\/\d+$/);
    postId = new URL(page.url()).pathname.split('/').pop();
    await page.getByRole('heading', { level: 1, name: postTitle }).waitFor();
    await page.getByTestId('image-metadata').waitFor();
    const width = await page.getByTestId('image-width').textContent();
    const height = await page.getByTestId('image-height').textContent();
    check(
      width === String(IMAGE.width) && height === String(IMAGE.height),
      `the post shows ${width} × ${height}, not ${IMAGE.width} × ${IMAGE.height}`,
    );
    check(
      (await page.getByTestId('image-format').textContent()) === 'PNG',
      'the format is not PNG',
    );
    check(
      (await page.getByTestId('image-file-name').textContent()) === IMAGE.name,
      'the file name is not shown',
    );
    await shot('post');
    await goto('/posts');
    await page.locator(`[data-testid="post-card"][data-post-id="${postId}"]`).waitFor();
    await shot('posts');
  });

  await step('export, then import into a new account: the same films on every list', async () => {
    const mine = await myFilms();
    check(
      mine.ratings.length >= 5 && mine.seen.length >= 1,
      `too little to compare: ${JSON.stringify(mine)}`,
    );
    await goto('/profile');
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download my films' }).click();
    const zip = readFileSync(await (await downloading).path());
    await logOut();
    await goto('/register');
    await field('First name').fill('Ira');
    await field('Last name').fill('Mover');
    await field('Email').fill(`moved-${email}`);
    await field('Password').fill(password);
    await field('Repeat password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/taste$/);
    await goto('/profile');
    await page.getByTestId('import-file').setInputFiles({
      name: 'nextflex-export.zip',
      mimeType: 'application/zip',
      buffer: zip,
    });
    await page.getByTestId('import-submit').click();
    await page.getByTestId('import-summary').waitFor();
    const moved = await myFilms();
    check(
      JSON.stringify(moved) === JSON.stringify(mine),
      `the new account has ${JSON.stringify(moved)}, not ${JSON.stringify(mine)}`,
    );
    await shot('profile-import-export');
  });

  await step('log out', async () => {
    await logOut();
  });

  await step('log in as admin and open the dashboard', async () => {
    await logIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Admin', exact: true }).first().waitFor();
    await goto('/admin');
    await page.getByTestId('admin-stats').waitFor();
    const users = await page.getByTestId('stat-users-value').textContent();
    check(Number(users?.replace(/\D/g, '')) >= 2, `the dashboard counts ${users} users`);
    await page.getByTestId('admin-charts').waitFor();
    await page.locator('[data-testid="admin-charts"] svg').first().waitFor();
    await shot('admin');
  });

  await step('the admin users and ratings tables list what the run made', async () => {
    await page.getByRole('tab', { name: 'Users' }).click();
    const users = page.getByRole('table', { name: 'Users' });
    await users.getByRole('row').nth(2).waitFor();
    await shot('admin-users');
    await page.getByRole('tab', { name: 'Ratings' }).click();
    const ratings = page.getByRole('table', { name: 'Ratings' });
    await ratings.getByRole('row').nth(1).waitFor();
    await shot('admin-ratings');
  });

  await step('delete the post from the admin posts table', async () => {
    await page.getByRole('tab', { name: 'Posts' }).click();
    const row = page.getByTestId(`admin-post-row-${postId}`);
    await row.waitFor();
    await shot('admin-posts');
    await row.getByRole('button', { name: `Delete post “${postTitle}”` }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this post?' });
    await dialog.waitFor();
    const deleted = page.waitForResponse(
      (r) =>
        r.url().endsWith(`/api/posts/${postId}`) &&
        r.request().method() === 'DELETE' &&
        r.status() !== 401,
    );
    await dialog.getByRole('button', { name: 'Delete' }).click();
    const response = await deleted;
    check(response.status() === 204, `deleting the post answered ${response.status()}`);
    await row.waitFor({ state: 'detached' });
  });

  await step('see the model in service and its age', async () => {
    await page.getByRole('tab', { name: 'Models' }).click();
    const age = page.getByTestId('served-age');
    await age.waitFor();
    const text = (await age.textContent()) ?? '';
    check(/created \d+ (s|min|h|days?) ago/.test(text), `the served model's age reads “${text}”`);
    await shot('admin-models');
  });

  await step('the post is gone from the feed', async () => {
    await goto('/posts');
    await page.locator('[data-testid="post-feed"], [data-testid="empty-state"]').first().waitFor();
    check(
      (await page.locator(`[data-testid="post-card"][data-post-id="${postId}"]`).count()) === 0,
      'the deleted post is still in the feed',
    );
    check((await page.getByText(postTitle).count()) === 0, 'the deleted post title still shows');
    await goto(`/posts/${postId}`);
    await page.getByText('This post does not exist').waitFor();
  });

  await step('home page on a 375 px wide screen', async () => {
    await page.setViewportSize(MOBILE);
    await goto('/');
    await page.locator('[data-testid="row-popular"] [data-testid="movie-card"]').first().waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    check(overflow <= 1, `the page is ${overflow} px wider than the screen`);
    await shot('home-375');
    await page.getByRole('button', { name: 'Open navigation menu' }).click();
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Browse' })
      .waitFor();
    await shot('home-375-menu');
    await page.keyboard.press('Escape');
  });

  await step('browse on a 375 px wide screen: films first, filters in a drawer', async () => {
    await goto('/browse?genre=Animation');
    const card = page.locator('[data-testid="movie-card"]').first();
    await card.waitFor();
    const focused = await page.evaluate(() => document.activeElement?.tagName);
    check(focused === 'BODY', `arriving on Browse put the focus on ${focused}`);
    const top = (await card.boundingBox())?.y ?? Infinity;
    check(top < MOBILE.height, `the first film starts at ${top} px, below the first screen`);
    const button = page.getByTestId('browse-filters-button');
    check((await button.textContent())?.includes('(1)'), 'the Filters button does not count 1');
    await shot('browse-375');
    await button.click();
    const drawer = page.getByRole('dialog', { name: 'Filters' });
    await drawer.getByText('Sort by').first().waitFor();
    await shot('browse-375-filters');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
  });

  await step('on a 375 px touch screen no quick action covers a title', async () => {
    const touch = await browser.newContext({
      viewport: MOBILE,
      isMobile: true,
      hasTouch: true,
      reducedMotion: 'reduce',
    });
    await touch.route(/^https:\/\/image\.tmdb\.org\//, (route) => route.abort());
    const phone = await touch.newPage();
    await phone.goto(url('/login'), { waitUntil: 'domcontentloaded' });
    await phone.getByLabel(/^Email(\s*\*)?$/).fill(ADMIN_EMAIL);
    await phone.getByLabel(/^Password(\s*\*)?$/).fill(ADMIN_PASSWORD);
    await phone.getByRole('button', { name: 'Log in', exact: true }).click();
    await phone.getByRole('button', { name: 'Account menu' }).waitFor();
    await phone.goto(url('/browse'), { waitUntil: 'domcontentloaded' });
    await phone.getByTestId('quick-actions').first().waitFor();
    const overlaps = await phone.evaluate(() =>
      [...document.querySelectorAll('[data-testid="movie-card"]')].flatMap((card) => {
        const actions = card
          .querySelector('[data-testid="quick-actions"]')
          ?.getBoundingClientRect();
        if (!actions) return [];
        return [...card.querySelectorAll('h3, [data-poster-title]')]
          .map((t) => t.getBoundingClientRect())
          .filter(
            (t) =>
              t.width > 0 &&
              actions.left < t.right &&
              t.left < actions.right &&
              actions.top < t.bottom &&
              t.top < actions.bottom,
          )
          .map(() => card.getAttribute('data-movie-id'));
      }),
    );
    check(overlaps.length === 0, `quick actions cover the titles of ${overlaps}`);
    await phone.screenshot({ path: path.join(SHOTS, 'browse-375-touch.png') });
    await touch.close();
  });

  await step('no uncaught errors in the page', async () => {
    check(pageErrors.length === 0, `uncaught errors: ${pageErrors.join(' | ')}`);
  });
}

// The whole run is bounded: on time-out the browser is closed, which fails the current step.
const timer = setTimeout(() => {
  console.error(`e2e: timed out after ${TOTAL_TIMEOUT_MS / 1000} s`);
  browser?.close().catch(() => {});
  // If nothing is waiting on the browser, stop anyway.
  setTimeout(() => {
    console.error(`${passed} passed, ${failed + 1} failed`);
    process.exit(1);
  }, 5000).unref();
}, TOTAL_TIMEOUT_MS);

try {
  await main();
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = 0;
} catch (error) {
  if (!(error instanceof StepError) && failed === 0) {
    failed += 1;
    console.error(`e2e: ${error instanceof Error ? error.stack : error}`);
  }
  console.error(`${passed} passed, ${failed} failed`);
  process.exitCode = 1;
} finally {
  clearTimeout(timer);
  await browser?.close().catch(() => {});
}
