import type { ReactElement } from 'react';

// The errors screens: their <Resource> elements and custom routes, registered by App.
export const errorResources: ReactElement[] = [];
export const errorRoutes: ReactElement[] = [];
