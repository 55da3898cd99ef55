import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { JobProgressDialog } from '../components/index.js';
import '../components/index.js';
import type { Job } from '../sdk/index.js';
import { type ApiOptions, apiHandlers, importDetail, makeJob, queuedJob, runningJob } from './support/handlers.js';
import './support/msw-types.js';

/** The dialog opened on `job`, answered by msw as `api` says. */
function following(job: Job, api: ApiOptions = {}, overrides: Partial<Story> = {}): Story {
  return {
    beforeEach({ msw }) {
      msw.use(...apiHandlers({ jobs: [job], details: [importDetail(job)], ...api }));
    },
    ...overrides,
  };
}

const meta: Meta = {
  title: 'Elements/job-progress-dialog',
  component: 'job-progress-dialog',
  // Opened by the story, as `launchAndFollow()` would; docs pages show it closed (play functions do not run there).
  render: () => html`<job-progress-dialog job-id="1" report-url="/jobs/{id}" progress-delay="0"></job-progress-dialog>`,
  async play({ canvasElement }) {
    await canvasElement.querySelector<JobProgressDialog>('job-progress-dialog')!.show();
  },
};
export default meta;

type Story = StoryObj;

const running = runningJob(1, { progress: { done: 412, total: 1200, percent: 34, message: 'Checked row 413' } });

export const Running: Story = following(running);
export const Queued: Story = following(queuedJob(1));
export const Succeeded: Story = following(makeJob(1));
export const SucceededWithWarnings: Story = following(makeJob(1, { warnings: 12 }));
export const Failed: Story = following(makeJob(1, { status: 'failed', errors: 1, errorCode: 'invalid_csv' }));
export const Interrupted: Story = following(
  makeJob(1, { status: 'interrupted', interruptedBy: { id: 'carol', name: 'Carol Nguyen' } }),
);
export const Loading: Story = following(running, { job: 'loading' });
/** Tagged `http-error` (in the literal, where the indexer reads tags): the built-Storybook test expects the browser’s log of the failed request. */
export const ServerError: Story = { ...following(running, { job: 'error' }), tags: ['http-error'] };
export const French: Story = following(running, {}, { globals: { locale: 'fr' } });
export const Dark: Story = following(makeJob(1, { warnings: 3 }), {}, { globals: { theme: 'dark' } });
export const Phone: Story = following(running, {}, { globals: { viewport: { value: 'mobile1', isRotated: false } } });
