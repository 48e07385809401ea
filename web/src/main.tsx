import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'react-redux';
import { BrowserRouter } from 'react-router-dom';
import { AppRoutes } from './App';
import { prefetchPage } from './app/prefetch';
import { makeStore } from './app/store';
import { AppThemeProvider } from './theme/AppThemeProvider';

const store = makeStore();
prefetchPage(store, window.location);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Provider store={store}>
      <AppThemeProvider>
        <BrowserRouter>
          <AppRoutes />
        </BrowserRouter>
      </AppThemeProvider>
    </Provider>
  </StrictMode>,
);
