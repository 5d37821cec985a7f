// The accounts global-setup makes: a super-admin, and an editor and a viewer of demo-bahmni.
export const users = {
  admin: { email: 'admin@example.org', password: 'granite lantern orbit meadow' },
  editor: { email: 'editor@example.org', password: 'copper willow harbor tide' },
  viewer: { email: 'viewer@example.org', password: 'silver canyon maple drift' },
} as const;

export type Who = keyof typeof users;
