import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../components/index.js';
import type { Job } from '../sdk/index.js';
import { type ApiOptions, apiHandlers, badRowWarnings, importReport, makeJob, runningJob } from './support/handlers.js';
import './support/msw-types.js';

/** The report of an import of `job` with `warnings` bad rows, answered by msw. */
function reportOf(job: Job, warnings: number, api: ApiOptions = {}, overrides: Partial<Story> = {}): Story {
  return {
    beforeEach({ msw }) {
      msw.use(
        ...apiHandlers({
          jobs: [job],
          reports: [{ report: importReport(job, warnings), messages: badRowWarnings(warnings) }],
          ...api,
        }),
      );
    },
    ...overrides,
  };
}

const meta: Meta = {
  title: 'Elements/job-report',
  component: 'job-report',
  render: () => html`<job-report job-id="1" page-size="20"></job-report>`,
};
export default meta;

type Story = StoryObj;

export const Succeeded: Story = reportOf(makeJob(1), 0);
export const WithWarnings: Story = reportOf(makeJob(1, { warnings: 3 }), 3);
/** More warnings than a page: the rest come with "load more". */
export const ManyWarnings: Story = reportOf(makeJob(1, { warnings: 120 }), 120);
export const Failed: Story = reportOf(
  makeJob(1, { status: 'failed', errors: 1, warnings: 2, errorCode: 'no_valid_rows' }),
  2,
);
export const Running: Story = reportOf(runningJob(1), 0);
export const Loading: Story = reportOf(makeJob(1), 0, { job: 'loading' });
/** Tagged `http-error` (in the literal, where the indexer reads tags): the built-Storybook test expects the browser’s log of the failed request. */
export const ServerError: Story = { ...reportOf(makeJob(1), 0, { job: 'error' }), tags: ['http-error'] };
/** Someone else's job or one that does not exist: both answer 404. */
export const NotFound: Story = {
  beforeEach({ msw }) {
    msw.use(...apiHandlers({ jobs: [] }));
  },
  tags: ['http-error'],
};
export const French: Story = reportOf(makeJob(1, { warnings: 3 }), 3, {}, { globals: { locale: 'fr' } });
export const Dark: Story = reportOf(makeJob(1, { warnings: 3 }), 3, {}, { globals: { theme: 'dark' } });
export const Narrow: Story = reportOf(
  makeJob(1, { warnings: 3 }),
  3,
  {},
  { decorators: [(story) => html`<div class="sb-narrow">${story()}</div>`] },
);
