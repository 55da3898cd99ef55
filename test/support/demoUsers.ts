/** The bearer tokens of the three demo users in server/config/users.json, as the tests sign in with them. */
export const demoTokens = {
  alice: 'demo-user-token',
  bob: 'demo-admin-token',
  carol: 'demo-supervisor-token',
} as const;

export type DemoUser = keyof typeof demoTokens;
