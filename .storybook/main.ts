import type { StorybookConfig } from '@storybook/web-components-vite';

const config: StorybookConfig = {
  framework: '@storybook/web-components-vite',
  stories: ['../stories/**/*.stories.ts'],
  addons: ['@storybook/addon-docs', 'msw-storybook-addon'],
  // msw's worker must be served from the root so its scope covers the stories' requests (STACK.md gotcha 3).
  staticDirs: ['../public'],
  core: { disableTelemetry: true },
};

export default config;
