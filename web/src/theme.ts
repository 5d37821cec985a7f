import { defaultTheme, type RaThemeOptions } from 'react-admin';

// The system's own fonts: nothing is loaded from elsewhere (the CSP allows only the app).
const fontFamily =
  'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif';

export const theme: RaThemeOptions = {
  ...defaultTheme,
  typography: { ...(defaultTheme.typography as object), fontFamily },
  palette: { primary: { main: '#1565c0' }, secondary: { main: '#00695c' } },
  sidebar: { width: 220, closedWidth: 50 },
};
