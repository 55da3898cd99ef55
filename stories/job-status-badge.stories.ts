import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../components/index.js';

interface BadgeArgs {
  status: string;
  warnings: number;
  errors: number;
  percent?: number;
}

const meta: Meta<BadgeArgs> = {
  title: 'Elements/job-status-badge',
  component: 'job-status-badge',
  args: { status: 'succeeded', warnings: 0, errors: 0 },
  argTypes: {
    status: {
      control: 'select',
      options: ['queued', 'running', 'interrupting', 'succeeded', 'failed', 'interrupted', 'archived'],
    },
  },
  render: ({ status, warnings, errors, percent }) =>
    html`<job-status-badge status=${status} warnings=${warnings} errors=${errors} percent=${percent ?? ''}></job-status-badge>`,
};
export default meta;

type Story = StoryObj<BadgeArgs>;

export const Succeeded: Story = {};
export const SucceededWithWarnings: Story = { args: { warnings: 3 } };
export const Failed: Story = { args: { status: 'failed', errors: 2 } };
export const Interrupted: Story = { args: { status: 'interrupted' } };
export const Queued: Story = { args: { status: 'queued' } };
export const Running: Story = { args: { status: 'running', percent: 42 } };
export const Interrupting: Story = { args: { status: 'interrupting' } };
/** A status a newer server may send: shown neutral with its raw value. */
export const UnknownStatus: Story = { args: { status: 'archived' } };

const everyStatus = html`
  <job-status-badge status="queued"></job-status-badge>
  <job-status-badge status="running" percent="42"></job-status-badge>
  <job-status-badge status="interrupting"></job-status-badge>
  <job-status-badge status="succeeded"></job-status-badge>
  <job-status-badge status="succeeded" warnings="3"></job-status-badge>
  <job-status-badge status="failed" errors="1"></job-status-badge>
  <job-status-badge status="interrupted"></job-status-badge>
`;

export const AllStatuses: Story = { render: () => everyStatus };
export const French: Story = { render: () => everyStatus, globals: { locale: 'fr' } };
export const Dark: Story = { render: () => everyStatus, globals: { theme: 'dark' } };
