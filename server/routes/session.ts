/** `GET /me` and `GET /users`. */
import { Hono } from 'hono';
import { canListUsers } from '../auth/permissions.js';
import type { AppEnv, Services } from '../http/env.js';
import { forbidden } from '../http/problem.js';
import { validate, validInput } from '../http/validation.js';

export function sessionRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/me', validate('getMe'), (c) => {
    const { id, name, email, locale, permissions } = c.get('principal');
    return c.json({ id, name, email, locale, permissions });
  });

  app.get('/users', validate('listUsers'), async (c) => {
    if (!canListUsers(c.get('principal'))) throw forbidden('Listing users needs the jobs:read:any permission.');
    const { q, limit } = validInput(c, 'listUsers').query;
    return c.json({ items: await services.users.search(q, limit ?? 50) });
  });

  return app;
}
