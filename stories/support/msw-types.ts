// Brings msw-storybook-addon's typing of `beforeEach({ msw })` and `parameters.msw` to the stories, which tsc
// checks without .storybook/preview.ts (the addon's README, "Types").
export type {} from 'msw-storybook-addon/csf3';
