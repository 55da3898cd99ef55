import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../components/index.js';
import { type ApiOptions, apiHandlers, jobsInEveryStatus, manyJobs, supervisor } from './support/handlers.js';
import './support/msw-types.js';

interface TrackerArgs {
  columns: string;
  reportUrl: string;
  pageSize: number;
  theme?: 'light' | 'dark';
}

/** A tracker in a story: the API answers as `api` says. */
function withApi(api: ApiOptions, overrides: Partial<StoryObj<TrackerArgs>> = {}): StoryObj<TrackerArgs> {
  return {
    beforeEach({ msw }) {
      msw.use(...apiHandlers(api));
    },
    ...overrides,
  };
}

const meta: Meta<TrackerArgs> = {
  title: 'Elements/job-tracker',
  component: 'job-tracker',
  args: { columns: '', reportUrl: '/jobs/{id}', pageSize: 50 },
  // `param-prefix` keeps the tracker's filters apart from Storybook's own query parameters.
  render: ({ columns, reportUrl, pageSize, theme }) => html`
    <job-tracker
      param-prefix="jt-"
      columns=${columns || ''}
      report-url=${reportUrl}
      page-size=${pageSize}
      theme=${theme ?? ''}
    ></job-tracker>
  `,
};
export default meta;

type Story = StoryObj<TrackerArgs>;

export const EveryStatus: Story = withApi({ jobs: jobsInEveryStatus() });
export const Loading: Story = withApi({ list: 'loading' });
export const Empty: Story = withApi({ jobs: [] });
/** Tagged `http-error` (in the literal, where the indexer reads tags): the built-Storybook test expects the browser’s log of the failed request. */
export const ServerError: Story = { ...withApi({ list: 'error' }), tags: ['http-error'] };
export const Warnings: Story = withApi({
  jobs: jobsInEveryStatus().filter((job) => job.warnings > 0 || job.errors > 0),
});
export const LongList: Story = withApi({ jobs: manyJobs(1_000) }, { args: { pageSize: 100 } });
export const Supervisor: Story = withApi(
  { jobs: manyJobs(40), permissions: supervisor },
  { args: { columns: 'status,report,type,id,user,start,waiting,processing,end,host,email' } },
);
export const French: Story = withApi({ jobs: jobsInEveryStatus() }, { globals: { locale: 'fr' } });
export const Dark: Story = withApi(
  { jobs: jobsInEveryStatus() },
  { globals: { theme: 'dark' }, args: { theme: 'dark' } },
);
export const Narrow: Story = withApi(
  { jobs: jobsInEveryStatus() },
  { decorators: [(story) => html`<div class="sb-narrow">${story()}</div>`] },
);
