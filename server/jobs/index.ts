/** The demo job types, from both seeds. Handlers that touch data get the store they work on. */
import type { Queryable } from '../db/types.js';
import type { JobTypeDefinition } from '../queue/types.js';
import { activityReport } from './activityReport.js';
import { massEdit } from './massEdit.js';
import { missionGeneration } from './missionGeneration.js';
import { productExport } from './productExport.js';
import { productImport } from './productImport.js';
import { scheduleOptimisation } from './scheduleOptimisation.js';

/**
 * Each handler is typed by its own params; widening to the untyped definition is safe because the API checks
 * params against `paramsSchema` before a job is queued.
 */
export function demoJobTypes(db: Queryable): JobTypeDefinition[] {
  return [
    productImport(db),
    productExport(db),
    massEdit(db),
    scheduleOptimisation(),
    missionGeneration(),
    activityReport(db),
  ] as unknown as JobTypeDefinition[];
}
