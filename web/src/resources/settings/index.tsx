import type { ReactElement } from 'react';

// The settings screens: their <Resource> elements and custom routes, registered by App.
export const settingsResources: ReactElement[] = [];
export const settingsRoutes: ReactElement[] = [];
