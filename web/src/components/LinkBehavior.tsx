import { forwardRef } from 'react';
import { Link as RouterLink, type LinkProps as RouterLinkProps } from 'react-router-dom';

/** Lets MUI's `Link` and `href` buttons navigate with the router instead of reloading. */
export const LinkBehavior = forwardRef<
  HTMLAnchorElement,
  Omit<RouterLinkProps, 'to'> & { href: RouterLinkProps['to'] }
>(function LinkBehavior({ href, ...other }, ref) {
  return <RouterLink ref={ref} to={href} {...other} />;
});
