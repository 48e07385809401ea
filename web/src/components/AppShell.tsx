import { Suspense, useState } from 'react';
import AppBar from '@mui/material/AppBar';
import Avatar from '@mui/material/Avatar';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Container from '@mui/material/Container';
import Divider from '@mui/material/Divider';
import Drawer from '@mui/material/Drawer';
import IconButton from '@mui/material/IconButton';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import AddPhotoAlternateOutlinedIcon from '@mui/icons-material/AddPhotoAlternateOutlined';
import AdminPanelSettingsOutlinedIcon from '@mui/icons-material/AdminPanelSettingsOutlined';
import AutoAwesomeOutlinedIcon from '@mui/icons-material/AutoAwesomeOutlined';
import BookmarkBorderOutlinedIcon from '@mui/icons-material/BookmarkBorderOutlined';
import ExploreOutlinedIcon from '@mui/icons-material/ExploreOutlined';
import ForumOutlinedIcon from '@mui/icons-material/ForumOutlined';
import HomeOutlinedIcon from '@mui/icons-material/HomeOutlined';
import LogoutIcon from '@mui/icons-material/Logout';
import MenuIcon from '@mui/icons-material/Menu';
import GroupsOutlinedIcon from '@mui/icons-material/GroupsOutlined';
import PersonOutlineOutlinedIcon from '@mui/icons-material/PersonOutlineOutlined';
import SearchIcon from '@mui/icons-material/Search';
import { UndoBar } from '../features/notices/UndoBar';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useLogoutMutation } from '../api/auth';
import { useCurrentUser } from '../features/auth/useCurrentUser';
import { SearchBox } from './SearchBox';
import { WarmingUpNotice } from './WarmingUpNotice';

interface NavItem {
  label: string;
  to: string;
  icon: React.ReactNode;
}

function isActive(pathname: string, to: string): boolean {
  return to === '/' ? pathname === '/' : pathname === to || pathname.startsWith(`${to}/`);
}

function initials(name: string): string {
  const parts = name.split(/[\s@.]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase();
}

/** The frame of every page: app bar (navigation, search, account), drawer on small screens. */
export function AppShell() {
  const { loggedIn, user } = useCurrentUser();
  const [logout] = useLogoutMutation();
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [menuAnchor, setMenuAnchor] = useState<HTMLElement | null>(null);

  const nav: NavItem[] = [
    { label: 'Home', to: '/', icon: <HomeOutlinedIcon /> },
    { label: 'Browse', to: '/browse', icon: <ExploreOutlinedIcon /> },
    { label: 'For you', to: '/for-you', icon: <AutoAwesomeOutlinedIcon /> },
    ...(loggedIn
      ? [
          { label: 'Watchlist', to: '/watchlist', icon: <BookmarkBorderOutlinedIcon /> },
          { label: 'Together', to: '/together', icon: <GroupsOutlinedIcon /> },
        ]
      : []),
    { label: 'Posts', to: '/posts', icon: <ForumOutlinedIcon /> },
    ...(user?.is_admin
      ? [{ label: 'Admin', to: '/admin', icon: <AdminPanelSettingsOutlinedIcon /> }]
      : []),
  ];

  const logOut = async () => {
    setMenuAnchor(null);
    setDrawerOpen(false);
    await logout();
    navigate('/');
  };

  const displayName = user ? `${user.first_name} ${user.last_name}`.trim() || user.email : '';

  return (
    <Box sx={{ minHeight: '100vh', display: 'flex', flexDirection: 'column' }}>
      <Link
        href="#main"
        sx={{
          position: 'absolute',
          left: 8,
          top: -48,
          zIndex: 2000,
          bgcolor: 'background.paper',
          px: 2,
          py: 1,
          borderRadius: 1,
          '&:focus': { top: 8 },
        }}
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </Link>
      <AppBar position="sticky" elevation={0}>
        <Toolbar sx={{ gap: { xs: 0.5, sm: 1.5 } }}>
          <IconButton
            edge="start"
            aria-label="Open navigation menu"
            onClick={() => setDrawerOpen(true)}
            sx={{ display: { md: 'none' } }}
          >
            <MenuIcon />
          </IconButton>
          <Link
            href="/"
            underline="none"
            aria-label="NextFlex home"
            sx={{ display: 'flex', alignItems: 'center', gap: 1, color: 'text.primary', mr: 1 }}
          >
            <Box
              component="img"
              src="/favicon.svg"
              alt=""
              sx={{ width: 28, height: 28, display: 'block' }}
            />
            <Typography
              component="span"
              sx={{ fontWeight: 900, fontSize: '1.25rem', letterSpacing: '-0.03em' }}
            >
              Next
              <Box component="span" sx={{ color: 'primary.main' }}>
                Flex
              </Box>
            </Typography>
          </Link>
          <Box
            component="nav"
            aria-label="Main"
            sx={{ display: { xs: 'none', md: 'flex' }, gap: 0.5 }}
          >
            {nav.map((item) => {
              const active = isActive(pathname, item.to);
              return (
                <Button
                  key={item.to}
                  href={item.to}
                  color="inherit"
                  aria-current={active ? 'page' : undefined}
                  sx={{
                    color: active ? 'text.primary' : 'text.secondary',
                    position: 'relative',
                    '&::after': active
                      ? {
                          content: '""',
                          position: 'absolute',
                          left: 12,
                          right: 12,
                          bottom: 2,
                          height: 2,
                          borderRadius: 2,
                          bgcolor: 'primary.main',
                        }
                      : undefined,
                  }}
                >
                  {item.label}
                </Button>
              );
            })}
          </Box>
          <Box sx={{ flex: 1 }} />
          <SearchBox />
          <IconButton
            href="/browse"
            aria-label="Search movies"
            sx={{ display: { xs: 'inline-flex', sm: 'none' } }}
          >
            <SearchIcon />
          </IconButton>
          {loggedIn ? (
            <>
              <IconButton
                aria-label="Account menu"
                aria-haspopup="menu"
                aria-expanded={menuAnchor ? 'true' : undefined}
                aria-controls={menuAnchor ? 'account-menu' : undefined}
                onClick={(e) => setMenuAnchor(e.currentTarget)}
                data-testid="account-menu-button"
              >
                <Avatar sx={{ width: 34, height: 34, bgcolor: 'primary.main', fontSize: '0.9rem' }}>
                  {user ? initials(displayName) : ''}
                </Avatar>
              </IconButton>
              <Menu
                id="account-menu"
                anchorEl={menuAnchor}
                open={Boolean(menuAnchor)}
                onClose={() => setMenuAnchor(null)}
                anchorOrigin={{ vertical: 'bottom', horizontal: 'right' }}
                transformOrigin={{ vertical: 'top', horizontal: 'right' }}
              >
                {user && (
                  <Box sx={{ px: 2, py: 1, maxWidth: 260 }}>
                    <Typography sx={{ fontWeight: 700 }} noWrap>
                      {displayName}
                    </Typography>
                    <Typography variant="body2" sx={{ color: 'text.secondary' }} noWrap>
                      {user.email}
                    </Typography>
                  </Box>
                )}
                <Divider />
                <MenuItem
                  onClick={() => {
                    setMenuAnchor(null);
                    navigate('/profile');
                  }}
                >
                  <ListItemIcon>
                    <PersonOutlineOutlinedIcon fontSize="small" />
                  </ListItemIcon>
                  Profile and ratings
                </MenuItem>
                <MenuItem
                  onClick={() => {
                    setMenuAnchor(null);
                    navigate('/posts/new');
                  }}
                >
                  <ListItemIcon>
                    <AddPhotoAlternateOutlinedIcon fontSize="small" />
                  </ListItemIcon>
                  New post
                </MenuItem>
                <MenuItem onClick={() => void logOut()}>
                  <ListItemIcon>
                    <LogoutIcon fontSize="small" />
                  </ListItemIcon>
                  Log out
                </MenuItem>
              </Menu>
            </>
          ) : (
            <>
              <Button href="/login" color="inherit" sx={{ whiteSpace: 'nowrap' }}>
                Log in
              </Button>
              <Button
                href="/register"
                variant="contained"
                sx={{ display: { xs: 'none', sm: 'inline-flex' }, whiteSpace: 'nowrap' }}
              >
                Sign up
              </Button>
            </>
          )}
        </Toolbar>
        <WarmingUpNotice />
      </AppBar>
      <Drawer open={drawerOpen} onClose={() => setDrawerOpen(false)}>
        <Box sx={{ width: 260 }} role="presentation">
          <Typography sx={{ px: 2, py: 2, fontWeight: 900, fontSize: '1.2rem' }}>
            Next
            <Box component="span" sx={{ color: 'primary.main' }}>
              Flex
            </Box>
          </Typography>
          <Divider />
          <List component="nav" aria-label="Main">
            {nav.map((item) => (
              <ListItemButton
                key={item.to}
                href={item.to}
                selected={isActive(pathname, item.to)}
                aria-current={isActive(pathname, item.to) ? 'page' : undefined}
                onClick={() => setDrawerOpen(false)}
              >
                <ListItemIcon>{item.icon}</ListItemIcon>
                <ListItemText primary={item.label} />
              </ListItemButton>
            ))}
          </List>
          <Divider />
          <List aria-label="Account">
            {loggedIn ? (
              <>
                <ListItemButton href="/profile" onClick={() => setDrawerOpen(false)}>
                  <ListItemIcon>
                    <PersonOutlineOutlinedIcon />
                  </ListItemIcon>
                  <ListItemText primary="Profile and ratings" />
                </ListItemButton>
                <ListItemButton href="/posts/new" onClick={() => setDrawerOpen(false)}>
                  <ListItemIcon>
                    <AddPhotoAlternateOutlinedIcon />
                  </ListItemIcon>
                  <ListItemText primary="New post" />
                </ListItemButton>
                <ListItemButton onClick={() => void logOut()}>
                  <ListItemIcon>
                    <LogoutIcon />
                  </ListItemIcon>
                  <ListItemText primary="Log out" />
                </ListItemButton>
              </>
            ) : (
              <>
                <ListItemButton href="/login" onClick={() => setDrawerOpen(false)}>
                  <ListItemText primary="Log in" />
                </ListItemButton>
                <ListItemButton href="/register" onClick={() => setDrawerOpen(false)}>
                  <ListItemText primary="Sign up" />
                </ListItemButton>
              </>
            )}
          </List>
        </Box>
      </Drawer>
      <Container
        component="main"
        id="main"
        tabIndex={-1}
        maxWidth="xl"
        sx={{ flex: 1, py: { xs: 2, sm: 3 }, outline: 'none' }}
      >
        <Suspense fallback={<LinearProgress aria-label="Loading page" sx={{ mt: -1 }} />}>
          <Outlet />
        </Suspense>
      </Container>
      <UndoBar />
      <Box
        component="footer"
        sx={{
          borderTop: '1px solid',
          borderColor: 'divider',
          py: 3,
          px: 2,
          textAlign: 'center',
          color: 'text.secondary',
          fontSize: '0.8rem',
        }}
      >
        NextFlex — open-source movie recommendations. Movie data from MovieLens (GroupLens) and The
        Movie Database (TMDB); this product uses the TMDB API but is not endorsed or certified by
        TMDB.
      </Box>
    </Box>
  );
}
