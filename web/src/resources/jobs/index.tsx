import type { ReactElement } from 'react';

// The jobs screens: their <Resource> elements and custom routes, registered by App.
export const jobResources: ReactElement[] = [];
export const jobRoutes: ReactElement[] = [];
