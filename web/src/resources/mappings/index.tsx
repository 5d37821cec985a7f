import type { ReactElement } from 'react';

// The mappings screens: their <Resource> elements and custom routes, registered by App.
export const mappingResources: ReactElement[] = [];
export const mappingRoutes: ReactElement[] = [];
