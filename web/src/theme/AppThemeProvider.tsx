import { useMemo, type ReactNode } from 'react';
import CssBaseline from '@mui/material/CssBaseline';
import useMediaQuery from '@mui/material/useMediaQuery';
import { ThemeProvider } from '@mui/material/styles';
import { theme, withReducedMotion } from './theme';

/** The app's dark theme, without animations when the system asks for reduced motion. */
export function AppThemeProvider({ children }: { children: ReactNode }) {
  const reduceMotion = useMediaQuery('(prefers-reduced-motion: reduce)', { noSsr: true });
  const active = useMemo(() => (reduceMotion ? withReducedMotion(theme) : theme), [reduceMotion]);
  return (
    <ThemeProvider theme={active}>
      <CssBaseline enableColorScheme />
      {children}
    </ThemeProvider>
  );
}
