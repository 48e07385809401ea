import { useEffect } from 'react';

/** Sets the browser tab's title for the current page. */
export function usePageTitle(title: string | null | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · NextFlex` : 'NextFlex';
  }, [title]);
}
