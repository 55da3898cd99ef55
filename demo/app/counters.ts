/**
 * Labels for the counters the demo's job types keep (server/jobs/). The kit labels only the common ones (read,
 * written…) and shows any other under its raw name, so the app adds its own to the kit's.
 */
import { registerLocale } from '../../components/index.js';

const counterNames = {
  en: {
    iterations: 'iterations',
    improvements: 'improvements',
    generated: 'generated',
    assigned: 'assigned',
    unassigned: 'unassigned',
  },
  fr: {
    iterations: 'itérations',
    improvements: 'améliorations',
    generated: 'générées',
    assigned: 'affectées',
    unassigned: 'non affectées',
  },
};

export function registerCounterLabels(): void {
  for (const [tag, names] of Object.entries(counterNames)) registerLocale(tag, { follow: { counterNames: names } });
}
