import { lazy } from 'react';
import { Route, Routes } from 'react-router-dom';
import { AppShell } from './components/AppShell';
import { RequireAuth } from './features/auth/RequireAuth';
import HomePage from './pages/HomePage';

/** Each lazily loaded page's code, by route: loaded when the route is first shown, or earlier by
 * [`prefetchPage`](./app/prefetch.ts) for the page a visit starts on. */
export const pageCode = {
  browse: () => import('./pages/BrowsePage'),
  movie: () => import('./pages/MoviePage'),
  forYou: () => import('./pages/ForYouPage'),
  watchlist: () => import('./pages/WatchlistPage'),
};

const BrowsePage = lazy(pageCode.browse);
const MoviePage = lazy(pageCode.movie);
const ForYouPage = lazy(pageCode.forYou);
const WatchlistPage = lazy(pageCode.watchlist);
const TastePage = lazy(() => import('./pages/TastePage'));
const TogetherPage = lazy(() => import('./pages/TogetherPage'));
const UserPage = lazy(() => import('./pages/UserPage'));
const PersonPage = lazy(() => import('./pages/PersonPage'));
const KeywordPage = lazy(() => import('./pages/KeywordPage'));
const LoginPage = lazy(() => import('./pages/LoginPage'));
const RegisterPage = lazy(() => import('./pages/RegisterPage'));
const ProfilePage = lazy(() => import('./pages/ProfilePage'));
const PostsPage = lazy(() => import('./pages/PostsPage'));
const PostPage = lazy(() => import('./pages/PostPage'));
const NewPostPage = lazy(() => import('./pages/NewPostPage'));
const EditPostPage = lazy(() => import('./pages/EditPostPage'));
const AdminPage = lazy(() => import('./pages/AdminPage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));

/** Every client route; the server answers index.html for all of them. */
export function AppRoutes() {
  return (
    <Routes>
      <Route element={<AppShell />}>
        <Route index element={<HomePage />} />
        <Route path="browse" element={<BrowsePage />} />
        <Route path="movies/:id" element={<MoviePage />} />
        <Route path="users/:id" element={<UserPage />} />
        <Route path="people/:id" element={<PersonPage />} />
        <Route path="keywords/:id" element={<KeywordPage />} />
        <Route path="login" element={<LoginPage />} />
        <Route path="register" element={<RegisterPage />} />
        <Route path="posts" element={<PostsPage />} />
        <Route path="posts/:id" element={<PostPage />} />
        {/* The pages that need a login: anyone else is sent to the login page and back. */}
        <Route element={<RequireAuth />}>
          <Route path="for-you" element={<ForYouPage />} />
          <Route path="watchlist" element={<WatchlistPage />} />
          <Route path="taste" element={<TastePage />} />
          <Route path="together" element={<TogetherPage />} />
          <Route path="profile" element={<ProfilePage />} />
          <Route path="posts/new" element={<NewPostPage />} />
          <Route path="posts/:id/edit" element={<EditPostPage />} />
        </Route>
        <Route path="admin" element={<AdminPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
