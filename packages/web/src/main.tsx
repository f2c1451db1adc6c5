import '@fontsource/biz-udgothic/japanese-400.css';
import '@fontsource/biz-udgothic/japanese-700.css';
import '@mantine/core/styles.css';
import './styles.css';
import './i18n.js';
import { createTheme, MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './app.js';

// BIZ UDGothic: the Japanese UD font, served with the app so every PC shows the same glyphs.
const theme = createTheme({
  fontFamily: '"BIZ UDGothic", system-ui, sans-serif',
  headings: { fontFamily: '"BIZ UDGothic", system-ui, sans-serif' },
  primaryColor: 'teal',
  defaultRadius: 'sm',
});

// Patient data is never cached across patients or kept when the window is refocused after a while.
const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, gcTime: 60_000 } } });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme}>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <App />
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
