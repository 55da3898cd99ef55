import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../components/index.js';
import { type ApiOptions, apiHandlers, jobsInEveryStatus, manyJobs } from './support/handlers.js';
import './support/msw-types.js';

function withApi(api: ApiOptions, overrides: Partial<Story> = {}): Story {
  return {
    beforeEach({ msw }) {
      msw.use(...apiHandlers(api));
    },
    ...overrides,
  };
}

const meta: Meta = {
  title: 'Elements/job-dashboard-widget',
  component: 'job-dashboard-widget',
  // A dashboard's sidebar column: the widget is designed to fit 280 px.
  render: () => html`<div class="sb-sidebar">
    <job-dashboard-widget limit="6" report-url="/jobs/{id}" tracker-url="/jobs"></job-dashboard-widget>
  </div>`,
};
export default meta;

type Story = StoryObj;

export const LastOperations: Story = withApi({ jobs: jobsInEveryStatus() });
export const Empty: Story = withApi({ jobs: [] });
export const Loading: Story = withApi({ list: 'loading' });
/** Tagged `http-error` (in the literal, where the indexer reads tags): the built-Storybook test expects the browser’s log of the failed request. */
export const ServerError: Story = { ...withApi({ list: 'error' }), tags: ['http-error'] };
export const Warnings: Story = withApi({ jobs: manyJobs(30).filter((job) => job.warnings > 0 || job.errors > 0) });
export const French: Story = withApi({ jobs: jobsInEveryStatus() }, { globals: { locale: 'fr' } });
export const Dark: Story = withApi({ jobs: jobsInEveryStatus() }, { globals: { theme: 'dark' } });
export const Wide: Story = withApi(
  { jobs: jobsInEveryStatus() },
  { render: () => html`<job-dashboard-widget limit="10" report-url="/jobs/{id}"></job-dashboard-widget>` },
);
