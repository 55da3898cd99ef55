import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../components/index.js';
import type { Job } from '../sdk/index.js';
import { apiHandlers, makeJob, notificationsFor } from './support/handlers.js';
import './support/msw-types.js';

/** The toasts a user sees on arriving after these jobs ended (the unread `GET /notifications`). */
function afterJobsEnded(jobs: Job[], overrides: Partial<Story> = {}): Story {
  return {
    beforeEach({ msw }) {
      msw.use(...apiHandlers({ jobs, notifications: notificationsFor(jobs) }));
    },
    ...overrides,
  };
}

const meta: Meta = {
  title: 'Elements/job-toasts',
  component: 'job-toasts',
  // A long duration keeps the toasts on screen for the designer; hover and focus also hold them.
  render: () => html`<job-toasts report-url="/jobs/{id}" tracker-url="/jobs" duration="600000"></job-toasts>`,
};
export default meta;

type Story = StoryObj;

const imported = makeJob(41, { warnings: 0 });
const warned = makeJob(42, { warnings: 12 });
const failed = makeJob(43, { status: 'failed', errors: 1, errorCode: 'invalid_csv' });
const interrupted = makeJob(44, {
  status: 'interrupted',
  type: 'schedule-optimisation',
  typeLabel: 'Schedule optimisation',
});

export const Succeeded: Story = afterJobsEnded([imported]);
export const SucceededWithWarnings: Story = afterJobsEnded([warned]);
export const Failed: Story = afterJobsEnded([failed]);
export const Interrupted: Story = afterJobsEnded([interrupted]);
export const Stacked: Story = afterJobsEnded([warned, failed]);
/** Many jobs ending together are grouped into one toast ("12 finished, 2 failed"). */
export const Grouped: Story = afterJobsEnded(
  Array.from({ length: 12 }, (_, index) => makeJob(100 + index, index < 2 ? { status: 'failed', errors: 1 } : {})),
);
export const Nothing: Story = afterJobsEnded([]);
/** Tagged `http-error` (in the literal, where the indexer reads tags): the notifications could not be loaded. */
export const ServerError: Story = {
  beforeEach({ msw }) {
    msw.use(...apiHandlers({ notifications: 'error' }));
  },
  tags: ['http-error'],
};
/** On a phone the stack spans the screen's width. */
export const Phone: Story = afterJobsEnded([warned, failed], {
  globals: { viewport: { value: 'mobile1', isRotated: false } },
});
export const French: Story = afterJobsEnded([warned, failed], { globals: { locale: 'fr' } });
export const Dark: Story = afterJobsEnded([warned, failed], { globals: { theme: 'dark' } });
