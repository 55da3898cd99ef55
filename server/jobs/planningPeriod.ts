/** The month a workforce-planning job works on, as its params schema states it: `YYYY-MM`. */
export const planningPeriodParam = {
  type: 'string',
  title: 'Planning period',
  pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$',
};

/** Its title in French, for the `titles` of the job types that take it. */
export const planningPeriodTitleFr = { 'Planning period': 'Période de planification' };
