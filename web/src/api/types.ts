// The API's types, as named across the web app. Every body is generated from the server's
// OpenAPI document into ./schema.ts (`make api-types`; `make test` fails when it is out of
// date), so the contract is written once, on the server. Only what the document cannot say
// (a generic page, the order a list may be sorted in) is spelled out here.
import type { components, operations } from './schema';

type Schemas = components['schemas'];
type Query<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;

/** A page of a list (`{count, page, page_size, pages, results}`). */
export type Page<T> = Omit<Schemas['Page_MovieCard'], 'results'> & { results: T[] };

// Catalogue

export type RatingStats = Schemas['RatingStats'];
export type MovieCard = Schemas['MovieCard'];
export type MovieDetail = Schemas['MovieDetail'];
export type CastEntry = Schemas['CatalogueMovie']['cast'][number];
export type CrewEntry = Schemas['CatalogueMovie']['crew'][number];
export type Keyword = Schemas['CatalogueMovie']['keywords'][number];
/** `GET /api/keywords/{id}`: a keyword and a page of its movies, the most popular first. */
export type KeywordMovies = Schemas['KeywordBody'];
export type Genre = Schemas['GenreCount'];
/** An original language (ISO 639-1) of the catalogue. */
export type Language = Schemas['LanguageCount'];
export type MovieQuery = Query<'list_movies'>;
export type MovieSort = NonNullable<MovieQuery['sort']>;
/** `GET /api/people/{id}`: a person's films, newest first. */
export type Person = Schemas['PersonBody'];

// Charts and recommendations

export type ChartItem = Schemas['ChartItem'];
export type TopRatedChart = Schemas['ChartBody'];
export type SimilarMovie = Schemas['SimilarMovie'];
export type SimilarMovies = Schemas['SimilarBody'];
export type Because = Schemas['Because'];
export type PersonalItem = Schemas['PersonalItem'];
export type Recommendations = Schemas['ForYouBody'];
/** A row of the caller's home page (`GET /api/me/rows`), titled with why it is there. */
export type HomeRow = Schemas['HomeRow'];
export type HomeRows = Schemas['HomeRows'];
/** Someone watching with the caller, who brings their ratings as an export's text. */
export type Guest = Schemas['Guest'];
export type GroupRequest = Schemas['GroupRequest'];
export type GroupMember = Schemas['Member'];
export type MemberScore = Schemas['MemberScore'];
export type GroupItem = Schemas['GroupItem'];
export type GroupRecommendations = Schemas['GroupBody'];

// The caller's ratings and lists

export type RatingSaved = Schemas['RatingSaved'];
export type MyRating = Schemas['MyRating'];
/** A row of an imported file matched to a movie. */
export type ImportMatch = Schemas['MatchedRow'];
export type ImportUnmatched = Schemas['UnmatchedRow'];
export type ImportReport = Schemas['ImportReport'];
export type ImportSkipped = Schemas['SkippedRow'];
export type ListEntry = Schemas['ListEntry'];
export type Listed = Schemas['Listed'];

// Accounts

export type TokenPair = Schemas['TokenPair'];
export type Account = Schemas['Account'];
export type PublicProfile = Schemas['PublicProfile'];
export type Credentials = Schemas['Credentials'];
export type Registration = Schemas['Registration'];
export type PasswordChange = Schemas['PasswordChange'];

// Posts and images

export type PostImage = Schemas['Image'];
export type ImageFormat = PostImage['format'];
export type PostAuthor = Schemas['Author'];
export type Post = Schemas['Post'];
export type PostQuery = Query<'list_posts'>;
export type PostUpdate = Schemas['PostPatch'];

// Admin

export type AdminStats = Schemas['AdminStats'];
export type AdminUser = Schemas['AdminUser'];
export type AdminUserUpdate = Schemas['UserPatch'];
export type AdminRating = Schemas['AdminRating'];
export type SearchPageQuery = Query<'list_users'>;
export type Training = Schemas['Training'];
export type TrainingState = Training['state'];
export type ModelVersion = Schemas['ModelVersion'];
export type ModelMetrics = NonNullable<ModelVersion['metrics']>;
export type Models = Schemas['ModelsBody'];

// Errors

export type ApiErrorBody = Schemas['ErrorBody'];
/** Every code an error answer can carry (`ErrorCode` on the server). */
export type ErrorCode = Schemas['ErrorCode'];
export type TuningReport = Schemas['TuningReport'];
export type ModelTuning = Schemas['ModelTuning'];
