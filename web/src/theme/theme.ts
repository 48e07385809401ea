import { createTheme, type Theme } from '@mui/material/styles';
import type { LinkProps } from '@mui/material/Link';
import { LinkBehavior } from '../components/LinkBehavior';

/** System fonts only: the app must look right with no network. */
const fontFamily = [
  'system-ui',
  '-apple-system',
  '"Segoe UI"',
  'Roboto',
  '"Helvetica Neue"',
  'Arial',
  '"Noto Sans"',
  'sans-serif',
].join(',');

/** The colour of the keyboard focus ring (the secondary colour). */
const FOCUS_RING = '#38bdf8';

export const theme = createTheme({
  // MUI's own keyboard focus ring on every control (alone it draws a faint ripple on an outlined
  // button), inset on controls an ancestor may clip (a card's link, a tab, a menu item).
  focusVisible: { outlineColor: FOCUS_RING },
  palette: {
    mode: 'dark',
    primary: { main: '#fb7185', contrastText: '#1f0a10' },
    secondary: { main: '#38bdf8', contrastText: '#06202e' },
    background: { default: '#0b0f17', paper: '#131a27' },
    text: { primary: '#e8ebf1', secondary: '#a3acbd' },
    divider: 'rgba(255,255,255,0.10)',
    success: { main: '#4ade80' },
    warning: { main: '#fbbf24' },
    error: { main: '#f87171' },
    info: { main: '#60a5fa' },
  },
  shape: { borderRadius: 10 },
  typography: {
    fontFamily,
    h1: { fontWeight: 800, letterSpacing: '-0.02em' },
    h2: { fontWeight: 800, letterSpacing: '-0.02em' },
    h3: { fontWeight: 700, letterSpacing: '-0.01em' },
    h4: { fontWeight: 700 },
    h5: { fontWeight: 700 },
    h6: { fontWeight: 700 },
    button: { textTransform: 'none', fontWeight: 600 },
  },
  components: {
    MuiCssBaseline: {
      styleOverrides: {
        body: {
          backgroundImage:
            'radial-gradient(1200px 600px at 10% -10%, rgba(251,113,133,0.10), transparent 60%), radial-gradient(900px 500px at 110% 0%, rgba(56,189,248,0.08), transparent 60%)',
          backgroundAttachment: 'fixed',
        },
        '*:focus-visible': { outline: `2px solid ${FOCUS_RING}`, outlineOffset: 2 },
        // No transitions at all: a tiny duration (the usual 0.01ms) gives every element a
        // transition of every property, and Chromium then left a card's focus ring at 0 px.
        '@media (prefers-reduced-motion: reduce)': {
          '*, *::before, *::after': {
            animationDuration: '0.01ms !important',
            animationIterationCount: '1 !important',
            transitionDuration: '0s !important',
            scrollBehavior: 'auto !important',
          },
        },
      },
    },
    MuiStack: {
      // Gaps instead of margins: wrapped rows stay aligned.
      defaultProps: { useFlexGap: true },
    },
    MuiLink: {
      defaultProps: { component: LinkBehavior, underline: 'hover' } as LinkProps,
    },
    MuiButtonBase: {
      defaultProps: { LinkComponent: LinkBehavior },
    },
    MuiAppBar: {
      styleOverrides: {
        root: {
          backgroundColor: 'rgba(11,15,23,0.85)',
          backdropFilter: 'blur(12px)',
          backgroundImage: 'none',
          borderBottom: '1px solid rgba(255,255,255,0.08)',
        },
      },
    },
    MuiCard: {
      styleOverrides: {
        root: { backgroundImage: 'none', border: '1px solid rgba(255,255,255,0.06)' },
      },
    },
    MuiPaper: {
      styleOverrides: { root: { backgroundImage: 'none' } },
    },
    MuiTableCell: {
      styleOverrides: { head: { fontWeight: 700, color: '#c9cfdb' } },
    },
  },
});

/** The theme without motion, for people who ask their system for less of it. */
export function withReducedMotion(base: Theme): Theme {
  return createTheme(base, {
    transitions: {
      create: () => 'none',
      duration: {
        shortest: 0,
        shorter: 0,
        short: 0,
        standard: 0,
        complex: 0,
        enteringScreen: 0,
        leavingScreen: 0,
      },
    },
  });
}
