import type { ReactElement } from 'react';
import { Resource } from 'react-admin';
import { JobList } from './JobList';
import { JobEdit } from './JobEdit';
import { RunList, RunShow } from './RunList';

// The jobs screens: their <Resource> elements and custom routes, registered by App.
export const jobResources: ReactElement[] = [
  <Resource key="jobs" name="jobs" list={JobList} edit={JobEdit} recordRepresentation="name" />,
  <Resource key="runs" name="runs" list={RunList} show={RunShow} />,
];
export const jobRoutes: ReactElement[] = [];
