// Shapes of the NextFlex HTTP API (docs/api.md). Times are Unix seconds unless said otherwise.

export interface Page<T> {
  count: number;
  page: number;
  page_size: number;
  pages: number;
  results: T[];
}

export interface RatingStats {
  count: number;
  mean: number;
}

/** A movie in a list. */
export interface MovieCard {
  id: number;
  title: string;
  year: number | null;
  release_date: string | null;
  genres: string[];
  poster_path: string | null;
  popularity: number | null;
  rating: RatingStats | null;
}

export interface CastEntry {
  person_id: number;
  name: string;
  character: string | null;
  order: number;
  profile_path: string | null;
}

export interface CrewEntry {
  person_id: number;
  name: string;
  job: string;
  department: string;
}

export interface MovieDetail {
  id: number;
  tmdb_id: number | null;
  imdb_id: string | null;
  movielens_id: number | null;
  title: string;
  /** Other titles it is known by (the original title has its own field). */
  alternate_titles: string[];
  original_title: string | null;
  overview: string | null;
  tagline: string | null;
  release_date: string | null;
  year: number | null;
  runtime: number | null;
  popularity: number | null;
  tmdb_vote_average: number | null;
  tmdb_vote_count: number | null;
  poster_path: string | null;
  original_language: string | null;
  budget: number | null;
  revenue: number | null;
  genres: string[];
  keywords: Keyword[];
  cast: CastEntry[];
  crew: CrewEntry[];
  rating: RatingStats;
  /** Present only when the caller is logged in and has rated the movie. */
  my_rating?: number | null;
  /** The stars the rating model predicts, when logged in and not rated yet. */
  predicted_rating?: number | null;
}

export interface Keyword {
  id: number;
  name: string;
}

/** `GET /api/keywords/{id}`: a keyword and a page of its movies, the most popular first. */
export interface KeywordMovies extends Keyword {
  movies: Page<MovieCard>;
}

export interface Genre {
  name: string;
  movies: number;
}

/** An original language (ISO 639-1) of the catalogue. */
export interface Language {
  code: string;
  movies: number;
}

export type MovieSort = 'popular' | 'latest' | 'top_rated' | 'title';

export interface MovieQuery {
  q?: string;
  /** One genre, or several separated by commas (movies with all of them). */
  genre?: string;
  year_from?: number;
  year_to?: number;
  runtime_min?: number;
  runtime_max?: number;
  language?: string;
  min_ratings?: number;
  sort?: MovieSort;
  page?: number;
  page_size?: number;
}

export interface ChartItem extends MovieCard {
  score: number;
  votes: number;
  mean: number;
}

export interface TopRatedChart {
  mean_rating: number;
  min_votes: number;
  source: 'ratings' | 'tmdb';
  results: ChartItem[];
}

export interface SimilarMovie extends MovieCard {
  score: number;
  /** Why it is similar, in a few words. */
  why: string;
}

export interface SimilarMovies {
  movie: MovieCard;
  results: SimilarMovie[];
}

export interface RatingSaved {
  movie_id: number;
  rating: number;
}

export interface MyRating {
  movie: MovieCard | null;
  movie_id: number;
  rating: number;
  rated_at: number;
}

/** A row of an imported file matched to a movie. */
export interface ImportMatch {
  line: number;
  movie_id: number;
  title: string;
  rating: number | null;
  status: 'rated' | 'kept' | 'overwritten' | 'unchanged' | 'watchlisted' | 'already_listed';
}

/** A row of an imported file that no movie fits, with the closest titles. */
export interface ImportUnmatched {
  line: number;
  title: string | null;
  year: number | null;
  rating: number | null;
  candidates: MovieCard[];
}

/** What `POST /api/me/imports` did. */
export interface ImportReport {
  format: string;
  rows: number;
  matched: number;
  rated: number;
  already_rated: number;
  overwritten: number;
  watchlisted: number;
  unmatched: number;
  duplicates: number;
  without_rating: number;
  matches: ImportMatch[];
  unmatched_rows: ImportUnmatched[];
}

/** A movie on the caller's watchlist or "not interested" list. */
export interface ListEntry {
  movie: MovieCard | null;
  movie_id: number;
  added_at: number;
}

export interface Listed {
  movie_id: number;
  /** False when it was on the list already. */
  added: boolean;
}

export interface Because {
  id: number;
  title: string;
  /** Its exact share of the recommendation's score, 0 to 1 (only shares of at least 0.1). */
  share: number;
}

export interface PersonalItem extends MovieCard {
  /** The ranking model's match, about 0 to 1; the list is ordered by it. */
  score: number;
  /** The stars the rating model predicts, 0.5 to 5; absent where it knows no ratings. */
  predicted_rating: number | null;
  because: Because[];
}

export interface Recommendations {
  personalised: boolean;
  fallback?: 'no_ratings' | 'no_known_ratings' | string;
  ratings_used: number;
  /** `PersonalItem`s when personalised, else the top-rated chart's items. */
  results: Array<PersonalItem | ChartItem>;
}

/** `GET /api/people/{id}`: a person's films, newest first. */
export interface Person {
  id: number;
  name: string;
  profile_path: string | null;
  cast: Array<MovieCard & { character: string | null; order: number }>;
  crew: Array<MovieCard & { job: string; department: string }>;
}

/** A row of the caller's home page (`GET /api/me/rows`), titled with why it is there. */
export interface HomeRow {
  kind: 'for_you' | 'watchlist' | 'because_you_rated' | 'director' | 'star' | 'hidden_gems';
  title: string;
  /** The rated film (`because_you_rated`) or the person (`director`, `star`) it follows. */
  anchor: { id: number; name: string } | null;
  movies: MovieCard[];
}

export interface HomeRows {
  rows: HomeRow[];
}

/** Someone watching with the caller, who brings their ratings as an export's text. */
export interface Guest {
  name: string;
  ratings_file: string;
}

export interface GroupRequest {
  guests: Guest[];
  /** Users with a public profile. */
  users?: number[];
  k?: number;
  genre?: string;
}

export interface GroupMember {
  name: string;
  user_id: number | null;
  ratings: number;
  unmatched: number;
}

export interface MemberScore {
  name: string;
  score: number;
  share: number;
}

export interface GroupItem extends MovieCard {
  /** The least happy member's score, 0 to 1. */
  score: number;
  members: MemberScore[];
}

export interface GroupRecommendations {
  members: GroupMember[];
  results: GroupItem[];
}

// Accounts

export interface TokenPair {
  access: string;
  refresh: string;
}

export interface Account {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  is_admin: boolean;
  date_joined: number;
  /** Others may see the profile page and add the user to their groups. */
  public_profile: boolean;
}

/** `GET /api/users/{id}`: what others see of a user who made their profile public. */
export interface PublicProfile {
  id: number;
  first_name: string;
  last_name: string;
  date_joined: number;
  ratings: number;
  favourites: Array<MovieCard & { stars: number }>;
  /** 0 to 100; null for a guest, the owner, or while either taste is unknown. */
  taste_match: number | null;
  can_group: boolean;
}

export interface Credentials {
  email: string;
  password: string;
}

export interface Registration extends Credentials {
  re_password: string;
  first_name?: string;
  last_name?: string;
}

export interface PasswordChange {
  current_password: string;
  new_password: string;
  re_new_password: string;
}

// Posts and images

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp';

export interface PostImage {
  id: number | string;
  url: string;
  thumb_url: string;
  width: number;
  height: number;
  format: ImageFormat;
  size_bytes: number;
  file_name: string | null;
  uploaded_at: number;
  /** The camera's own local time, `YYYY-MM-DDTHH:MM:SS`. */
  taken_at: string | null;
  camera_make: string | null;
  camera_model: string | null;
  orientation: number | null;
}

export interface PostAuthor {
  id: number;
  first_name: string;
  last_name: string;
}

export interface Post {
  id: number;
  title: string;
  content: string;
  rating: number | null;
  movie: { id: number; title: string; year: number | null } | null;
  author: PostAuthor;
  created_at: number;
  updated_at: number;
  image: PostImage | null;
}

export interface PostQuery {
  user?: number;
  movie?: number;
  page?: number;
  page_size?: number;
}

export interface PostUpdate {
  title?: string;
  content?: string;
  rating?: number | null;
  movie_id?: number | null;
}

// Admin

export interface AdminStats {
  users: number;
  admins: number;
  movies: number;
  ratings: number;
  posts: number;
  rating_distribution: Array<{ rating: number; count: number }>;
  /** `day` is a date (`YYYY-MM-DD`) or the day's start in Unix seconds. */
  ratings_per_day: Array<{ day: string | number; count: number }>;
  genres: Array<{ genre: string; ratings: number }>;
  top_users: Array<{ id: number; email: string; ratings: number }>;
}

export interface AdminUser {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  is_admin: boolean;
  is_active: boolean;
  date_joined: number;
  last_login: number | null;
  ratings: number;
  posts: number;
}

export interface AdminUserUpdate {
  first_name?: string;
  last_name?: string;
  is_admin?: boolean;
  is_active?: boolean;
}

export interface AdminRating {
  user: { id: number; email: string };
  movie: { id: number; title: string };
  rating: number;
  rated_at: number;
}

export interface SearchPageQuery {
  q?: string;
  page?: number;
  page_size?: number;
}

export type TrainingState = 'idle' | 'running' | 'failed';

export interface Training {
  state: TrainingState;
  stage: string | null;
  progress: number | null;
  started_at: number | null;
  /** The version being trained, or the last one trained. */
  version?: string | null;
  error: string | null;
}

export interface ModelMetrics {
  rmse: number | null;
  mae: number | null;
  precision_at_10: number | null;
  ndcg_at_10: number | null;
  coverage: number | null;
}

export interface ModelVersion {
  version: string | number;
  status: string;
  active: boolean;
  /** Who started it, e.g. `startup` or `admin`. */
  trained_by?: string;
  created_at: number | null;
  finished_at: number | null;
  params: Record<string, unknown> | null;
  data_sizes: Record<string, unknown> | null;
  /** Empty when the version was not evaluated. */
  metrics: Partial<ModelMetrics> | null;
  timings: Record<string, unknown> | null;
  error: string | null;
}

export interface Models {
  current: string | number | null;
  training: Training;
  versions: ModelVersion[];
}

// Errors

export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    fields?: Record<string, string[]>;
    candidates?: Array<{ id: number; title: string; year: number | null }>;
    suggestions?: Array<{ id: number; title: string; year: number | null }>;
  };
}
