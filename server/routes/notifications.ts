/**
 * `GET /notifications`, `POST /notifications/{id}/read`, `POST /notifications/read`: the caller's end-of-job
 * notifications (created by the `jobs` trigger of migration 005, pushed live as `notification.created`).
 */
import { Hono, type MiddlewareHandler } from 'hono';
import type { AuthFunction, Principal } from '../auth/types.js';
import type { Db } from '../db/types.js';
import { bindingOf, decodeCursor, encodeCursor, malformedCursor } from '../http/cursor.js';
import type { AppEnv } from '../http/env.js';
import { pickLocale } from '../http/locale.js';
import { errorResponse, ProblemError, unauthenticated } from '../http/problem.js';
import type { JobTypeRegistry } from '../http/registry.js';
import { validate, validInput } from '../http/validation.js';
import { countUnread, listNotifications, markAllRead, markRead, toNotification } from '../notifications/queries.js';

export interface NotificationRouteDeps {
  db: Db;
  auth: AuthFunction;
  registry: JobTypeRegistry;
}

/** Adds the routes to `api` (the app under `/api`). */
export function mountNotifications(api: Hono<AppEnv>, deps: NotificationRouteDeps): void {
  api.route('/', notificationRoutes(deps));
}

export function notificationRoutes({ db, auth, registry }: NotificationRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError((error, c) => errorResponse(error, c.req.method, c.req.path));
  // Whether mounted before or after the app-wide check, the caller is authenticated once.
  const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
    const principal: Principal | null = c.get('principal') ?? (await auth(c.req.raw));
    if (!principal) throw unauthenticated();
    c.set('principal', principal);
    await next();
  };

  app.get('/notifications', authenticate, validate('listNotifications'), async (c) => {
    const principal = c.get('principal');
    const { unread, cursor, limit = 50 } = validInput(c, 'listNotifications').query;
    const binding = bindingOf({ unread: unread === true });
    const beforeId = cursor ? decodeCursor(cursor, binding, 1)[0]! : null;
    if (beforeId !== null && !/^[1-9][0-9]{0,17}$/.test(beforeId)) {
      throw malformedCursor();
    }
    const rows = await listNotifications(db, principal.id, { unreadOnly: unread === true, beforeId, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const locale = pickLocale(c.req.header('accept-language'));
    return c.json({
      items: page.map((row) => toNotification(row, registry, locale)),
      nextCursor: rows.length > limit ? encodeCursor([page.at(-1)!.id], binding) : null,
      unread: await countUnread(db, principal.id),
    });
  });

  app.post('/notifications/read', authenticate, validate('markAllNotificationsRead'), async (c) => {
    return c.json({ marked: await markAllRead(db, c.get('principal').id) });
  });

  app.post('/notifications/:id/read', authenticate, validate('markNotificationRead'), async (c) => {
    const { id } = validInput(c, 'markNotificationRead').path;
    const row = await markRead(db, c.get('principal').id, id);
    if (!row) throw new ProblemError(404, 'not_found', `No notification ${id}.`);
    return c.json(toNotification(row, registry, pickLocale(c.req.header('accept-language'))));
  });

  return app;
}
