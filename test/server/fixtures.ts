/**
 * Job types for API tests: their behaviour is fully under the test's control, unlike the demo types.
 * `gated` runs until its test opens the gate, or until it is interrupted.
 */
import type { JobHandler, JobTypeDefinition } from '../../server/queue/types.js';

/** A job type made up on the spot around the test's handler, labelled with its name. */
export function jobType(type: string, handler: JobHandler, extra: Partial<JobTypeDefinition> = {}): JobTypeDefinition {
  return {
    type,
    label: { en: type, fr: type },
    category: { en: ['Test'], fr: ['Test'] },
    paramsSchema: { type: 'object' },
    interruptible: true,
    requeueable: true,
    handler,
    ...extra,
  };
}

export class Gate {
  #open: () => void = () => {};
  readonly opened = new Promise<void>((resolve) => {
    this.#open = resolve;
  });
  open(): void {
    this.#open();
  }
}

export function testJobTypes(gate: Gate = new Gate()): JobTypeDefinition[] {
  return [
    {
      type: 'quick',
      label: { en: 'Quick job', fr: 'Tâche rapide' },
      category: { en: ['Tests'], fr: ['Tests'] },
      paramsSchema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          count: { type: 'integer', title: 'Count', minimum: 0, maximum: 1000, default: 3 },
          colour: {
            title: 'Colour',
            oneOf: [
              { const: 'red', title: 'Bright red' },
              { const: 'blue', title: 'Deep blue' },
            ],
          },
          password: { type: 'string', title: 'Password', writeOnly: true },
        },
      },
      interruptible: true,
      requeueable: true,
      launchUrl: '/quick/new?from={jobId}&count={count}',
      async handler(job) {
        const count = job.params.count as number;
        for (let i = 1; i <= count; i++) {
          job.count('read');
          job.progress(i, count, `Item ${i}`);
        }
        if (count > 1) await job.warn('Item 2 looks odd', { item: 2 });
      },
    },
    {
      type: 'gated',
      label: { en: 'Gated job', fr: 'Tâche bloquée' },
      category: { en: ['Tests'], fr: ['Tests'] },
      paramsSchema: { type: 'object', additionalProperties: false, properties: {} },
      interruptible: true,
      requeueable: false,
      interruptGraceMs: 2_000,
      async handler(job) {
        await job.step('wait', 'Wait for the gate');
        await new Promise<void>((resolve, reject) => {
          gate.opened.then(resolve);
          job.signal.addEventListener('abort', () => reject(job.signal.reason), { once: true });
        });
      },
    },
    {
      type: 'stubborn',
      label: { en: 'Stubborn job', fr: 'Tâche obstinée' },
      category: { en: ['Tests'], fr: ['Tests'] },
      paramsSchema: { type: 'object', additionalProperties: false, properties: {} },
      interruptible: false,
      requeueable: false,
      async handler() {},
    },
  ];
}
