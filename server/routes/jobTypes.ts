/** `GET /job-types`. */
import { Hono } from 'hono';
import type { AppEnv, Services } from '../http/env.js';
import { pickLocale } from '../http/locale.js';
import { validate } from '../http/validation.js';

export function jobTypeRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/job-types', validate('listJobTypes'), (c) => {
    const locale = pickLocale(c.req.header('accept-language'));
    const items = services.registry.all().map((t) => ({
      type: t.type,
      label: t.label[locale],
      category: t.category[locale],
      // Titles label a launch form's fields, so they come in the request's language like the labels.
      paramsSchema: services.registry.paramsSchema(t.type, locale),
      interruptible: t.interruptible,
      requeueable: t.requeueable,
      launchUrl: t.launchUrl ?? null,
    }));
    return c.json({ items });
  });

  return app;
}
