/**
 * Schedule optimisation (workforce seed): a local search that spreads a month's shifts over employees, evening
 * out hours and avoiding back-to-back night shifts. It runs for its time budget with steady progress, yields to
 * the event loop between chunks, and stops as soon as it is interrupted.
 */
import { csvLine } from '../http/csv.js';
import { type Locale, pickLocale } from '../http/locale.js';
import type { JobTypeDefinition } from '../queue/types.js';
import { planningPeriodParam, planningPeriodTitleFr } from './planningPeriod.js';
import { seededRandom, yieldToEventLoop } from './random.js';

export interface ScheduleParams extends Record<string, unknown> {
  periodId: string;
  employees: number;
  durationSeconds: number;
}

const shiftsPerDay = 3;
const shiftHours = 8;
const movesPerChunk = 2_000;

/** What the handler writes (step labels, progress, its closing note), in the language of its job's user. */
const en = {
  optimiseStep: 'Optimise the schedule',
  costSoFar: (now: number, start: number) => `Cost ${now.toFixed(1)} (from ${start.toFixed(1)})`,
  saveStep: 'Save the schedule',
  costChange: (start: number, end: number) => `Cost went from ${start.toFixed(1)} to ${end.toFixed(1)}`,
  done: (end: number) => `Done: cost ${end.toFixed(1)}`,
};
const frCost = (cost: number) => cost.toLocaleString('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const texts: Record<Locale, typeof en> = {
  en,
  fr: {
    optimiseStep: 'Optimiser le planning',
    costSoFar: (now, start) => `Coût ${frCost(now)} (au départ ${frCost(start)})`,
    saveStep: 'Enregistrer le planning',
    costChange: (start, end) => `Le coût est passé de ${frCost(start)} à ${frCost(end)}`,
    done: (end) => `Terminé : coût ${frCost(end)}`,
  },
};

/** Cost of an assignment: spread of hours between employees plus a penalty per night followed by a morning. */
function cost(assignment: Int32Array, employees: number): number {
  const hours = new Float64Array(employees);
  for (const employee of assignment) hours[employee]! += shiftHours;
  const mean = (assignment.length * shiftHours) / employees;
  let spread = 0;
  for (const h of hours) spread += (h - mean) ** 2;
  let penalties = 0;
  for (let shift = 2; shift + 1 < assignment.length; shift += shiftsPerDay) {
    if (assignment[shift] === assignment[shift + 1]) penalties += 1;
  }
  return spread / employees + 50 * penalties;
}

export function scheduleOptimisation(): JobTypeDefinition<ScheduleParams> {
  return {
    type: 'schedule-optimisation',
    label: { en: 'Schedule optimisation', fr: 'Optimisation du planning' },
    category: { en: ['Planning', 'Optimisation'], fr: ['Planification', 'Optimisation'] },
    paramsSchema: {
      type: 'object',
      required: ['periodId'],
      additionalProperties: false,
      properties: {
        periodId: planningPeriodParam,
        employees: { type: 'integer', title: 'Employees', minimum: 2, maximum: 500, default: 40 },
        durationSeconds: { type: 'integer', title: 'Time budget (seconds)', minimum: 1, maximum: 120, default: 30 },
      },
    },
    titles: {
      fr: { ...planningPeriodTitleFr, Employees: 'Employés', 'Time budget (seconds)': 'Temps alloué (secondes)' },
    },
    interruptible: true,
    requeueable: true,
    interruptGraceMs: 5_000,
    async handler(job) {
      const { periodId, employees, durationSeconds } = job.params;
      const [year, month] = periodId.split('-').map(Number) as [number, number];
      const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
      const random = seededRandom(year * 100 + month);
      const text = texts[pickLocale(job.locale)];
      await job.step('optimise', text.optimiseStep);
      const assignment = Int32Array.from({ length: days * shiftsPerDay }, () => Math.floor(random() * employees));
      let current = cost(assignment, employees);
      const startCost = current;
      const budgetMs = durationSeconds * 1000;
      const started = Date.now();
      // Progress counts tenths of a second of the budget: steady whatever the machine's speed.
      const total = durationSeconds * 10;
      while (Date.now() - started < budgetMs) {
        job.signal.throwIfAborted();
        for (let move = 0; move < movesPerChunk; move++) {
          const shift = Math.floor(random() * assignment.length);
          const before = assignment[shift]!;
          assignment[shift] = Math.floor(random() * employees);
          const next = cost(assignment, employees);
          if (next <= current) {
            if (next < current) job.count('improvements');
            current = next;
          } else assignment[shift] = before;
        }
        job.count('iterations', movesPerChunk);
        const elapsed = Math.min(total, Math.floor((Date.now() - started) / 100));
        job.progress(elapsed, total, text.costSoFar(current, startCost));
        await yieldToEventLoop();
      }
      await job.step('save', text.saveStep);
      let csv = csvLine(['day', 'shift', 'employee']);
      assignment.forEach((employee, shift) => {
        csv += csvLine([
          Math.floor(shift / shiftsPerDay) + 1,
          ['morning', 'afternoon', 'night'][shift % 3],
          `E${employee + 1}`,
        ]);
      });
      await job.saveArtifact({
        name: 'schedule.csv',
        role: 'output',
        fileName: `schedule-${periodId}.csv`,
        contentType: 'text/csv',
        data: csv,
      });
      job.count('written', assignment.length);
      await job.info(text.costChange(startCost, current), { periodId });
      job.progress(total, total, text.done(current));
    },
  };
}
