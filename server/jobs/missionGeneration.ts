/**
 * Mission generation (workforce seed): generates a period's missions, each needing a skill on a day, and
 * assigns them to qualified employees with capacity left. A mission nobody can take becomes a warning carrying
 * the mission. Seeded, so the same params give the same missions.
 */
import { csvLine } from '../http/csv.js';
import { type Locale, pickLocale } from '../http/locale.js';
import type { JobTypeDefinition } from '../queue/types.js';
import { planningPeriodParam, planningPeriodTitleFr } from './planningPeriod.js';
import { seededRandom, yieldToEventLoop } from './random.js';

export interface MissionParams extends Record<string, unknown> {
  periodId: string;
  missions: number;
  employees: number;
  seed: number;
}

const skills = ['driving', 'forklift', 'first-aid', 'cashier', 'cleaning'];
const missionsPerEmployeeDay = 2;
const chunk = 200;

/** What the handler writes (step labels, progress, warnings), in the language of its job's user. */
const en = {
  generateStep: 'Generate missions',
  assignStep: 'Assign missions',
  assignedSoFar: (done: number, total: number) => `Assigned ${done} of ${total} missions`,
  nobodyFree: 'No qualified employee is free that day',
  assigned: (periodId: string) => `Assigned the missions of ${periodId}`,
};
const texts: Record<Locale, typeof en> = {
  en,
  fr: {
    generateStep: 'Générer les missions',
    assignStep: 'Affecter les missions',
    assignedSoFar: (done, total) => `Missions affectées : ${done} sur ${total}`,
    nobodyFree: "Aucun employé qualifié n'est libre ce jour-là",
    assigned: (periodId) => `Missions de ${periodId} affectées`,
  },
};

export function missionGeneration(): JobTypeDefinition<MissionParams> {
  return {
    type: 'mission-generation',
    label: { en: 'Mission generation', fr: 'Génération des missions' },
    category: { en: ['Planning', 'Missions'], fr: ['Planification', 'Missions'] },
    paramsSchema: {
      type: 'object',
      required: ['periodId'],
      additionalProperties: false,
      properties: {
        periodId: planningPeriodParam,
        missions: { type: 'integer', title: 'Missions', minimum: 1, maximum: 20_000, default: 500 },
        employees: { type: 'integer', title: 'Employees', minimum: 1, maximum: 1_000, default: 50 },
        seed: { type: 'integer', title: 'Random seed', minimum: 0, maximum: 1_000_000, default: 1 },
      },
    },
    titles: {
      fr: { ...planningPeriodTitleFr, Missions: 'Missions', Employees: 'Employés', 'Random seed': 'Graine aléatoire' },
    },
    interruptible: true,
    requeueable: true,
    async handler(job) {
      const { periodId, missions, employees, seed } = job.params;
      const random = seededRandom(seed);
      const text = texts[pickLocale(job.locale)];
      await job.step('generate', text.generateStep);
      const days = 28;
      const staff = Array.from({ length: employees }, (_, index) => ({
        id: `E${index + 1}`,
        skills: new Set(skills.filter(() => random() < 0.4)),
        load: new Int32Array(days),
      }));
      const generated = Array.from({ length: missions }, (_, index) => ({
        id: `M${index + 1}`,
        skill: skills[Math.floor(random() * skills.length)]!,
        day: Math.floor(random() * days),
      }));
      job.count('generated', missions);
      await job.step('assign', text.assignStep);
      let csv = csvLine(['mission', 'day', 'skill', 'employee']);
      for (const [index, mission] of generated.entries()) {
        if (index % chunk === 0) {
          job.signal.throwIfAborted();
          job.progress(index, missions, text.assignedSoFar(index, missions));
          await yieldToEventLoop();
        }
        const candidate = staff
          .filter((e) => e.skills.has(mission.skill) && e.load[mission.day]! < missionsPerEmployeeDay)
          .sort((a, b) => a.load[mission.day]! - b.load[mission.day]!)[0];
        if (candidate) {
          candidate.load[mission.day]! += 1;
          job.count('assigned');
        } else {
          job.count('unassigned');
          await job.warn(text.nobodyFree, {
            mission: mission.id,
            skill: mission.skill,
            day: mission.day + 1,
          });
        }
        csv += csvLine([mission.id, mission.day + 1, mission.skill, candidate?.id ?? '']);
      }
      await job.saveArtifact({
        name: 'missions.csv',
        role: 'output',
        fileName: `missions-${periodId}.csv`,
        contentType: 'text/csv',
        data: csv,
      });
      job.progress(missions, missions, text.assigned(periodId));
    },
  };
}
