/**
 * Labels for the counters the demo's job types keep (server/jobs/). The kit labels only the common ones (read,
 * written…) and shows any other under its raw name, so the app gives its own. `follow.counter` replaces the kit's
 * function rather than adding to it: each language repeats the kit's names (components/shared/locales/).
 */
import { registerLocale } from '../../components/index.js';

const counterLabels = {
  en: {
    read: 'read',
    written: 'written',
    skipped: 'skipped',
    created: 'created',
    updated: 'updated',
    deleted: 'deleted',
    failed: 'failed',
    iterations: 'iterations',
    improvements: 'improvements',
    generated: 'generated',
    assigned: 'assigned',
    unassigned: 'unassigned',
  },
  fr: {
    read: 'lus',
    written: 'écrits',
    skipped: 'ignorés',
    created: 'créés',
    updated: 'modifiés',
    deleted: 'supprimés',
    failed: 'en échec',
    iterations: 'itérations',
    improvements: 'améliorations',
    generated: 'générées',
    assigned: 'affectées',
    unassigned: 'non affectées',
  },
};

export function registerCounterLabels(): void {
  for (const [tag, labels] of Object.entries(counterLabels)) {
    // A Map, so that a counter named like an Object method ("constructor") shows its name, not a function.
    const byName = new Map(Object.entries(labels));
    registerLocale(tag, { follow: { counter: (name) => byName.get(name) ?? name } });
  }
}
