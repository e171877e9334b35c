/**
 * /api/queue: a sale's status (public), joining its room, the check-in and leaving (signed in), and the operators'
 * switch (access token with the role "admin"). Handlers only parse, call a use-case and map the result.
 */
import { requireUser } from '@rail/auth-verify';
import { PlaceResponse, RoomSettingsBody, RoomSettingsResponse, SaleParams, SaleResponse } from '@rail/contracts/queue';
import { ForbiddenError } from '@rail/errors';
import { problemResponses, type FastifyPluginAsyncTypebox } from '@rail/http';
import { createUserRateLimit, USER_BUDGETS } from '@rail/rate-limit';
import type { Redis } from '@rail/redis';
import type { FastifyRequest } from 'fastify';
import type { QueueDeps } from '../../deps.js';
import { checkIn, join, leave, type QueueUser } from '../../use-cases/place.js';
import { readSale } from '../../use-cases/read-sale.js';
import { putSettings, readSettings, switchOff } from '../../use-cases/room-settings.js';
import { checkSaleDate } from '../../use-cases/sale-date.js';

export interface QueueRoutesOptions {
  deps: QueueDeps;
  redis: Redis;
}

const security = [{ bearer: [] }];

/** The account and its verified phone: the place is keyed by both. */
function queueUser(request: FastifyRequest): QueueUser {
  const user = requireUser(request);
  return user.phone ? { id: user.id, phone: user.phone } : { id: user.id };
}

/** Operators: the access token's roles include `admin` (a token without roles is no operator's). */
function requireAdmin(request: FastifyRequest): void {
  if (!(requireUser(request).roles ?? []).includes('admin'))
    throw new ForbiddenError('Only operators may change a waiting room', 'FORBIDDEN');
}

export const queueRoutes: FastifyPluginAsyncTypebox<QueueRoutesOptions> = async (app, { deps, redis }) => {
  // Joining is limited like logging in (the strict budget, per account, across replicas).
  const limit = createUserRateLimit({ redis, keyPrefix: `${deps.store.prefix}rate-limit:` });
  const strict = { onRequest: [app.authenticate, limit(USER_BUDGETS.strict)] };
  const signedIn = { onRequest: [app.authenticate, limit(USER_BUDGETS.api)] };
  // The check-in is one Redis round trip (place-status.lua) and nothing else: no per-account counter in Redis;
  // the gateway's per-user api zone bounds it.
  const checkInHooks = { onRequest: [app.authenticate] };

  app.get(
    '/sales/:date',
    {
      schema: {
        tags: ['queue'],
        summary: "A sale's opening, whether its room is active, and seats left",
        params: SaleParams,
        response: { 200: SaleResponse, ...problemResponses(400, 409, 503) },
      },
    },
    async (request, reply) => {
      // The same for everyone and moved only by the admission job: a second of caching is harmless.
      void reply.header('cache-control', 'public, max-age=1');
      return readSale(deps, request.params.date);
    },
  );

  const placeSchema = (summary: string) => ({
    tags: ['queue'],
    summary,
    security,
    params: SaleParams,
    response: { 200: PlaceResponse, ...problemResponses(400, 401, 404, 409, 429, 503) },
  });

  app.post(
    '/sales/:date/join',
    { ...strict, schema: placeSchema("Join the sale's waiting room (idempotent: a second join keeps the place)") },
    async (request, reply) => {
      const place = await join(deps, queueUser(request), request.params.date);
      void reply.header('retry-after', String(place.pollAfterSeconds)).header('cache-control', 'no-store');
      return place;
    },
  );

  app.get(
    '/sales/:date/me',
    { ...checkInHooks, schema: placeSchema('My place: the check-in that keeps it (again after pollAfterSeconds)') },
    async (request, reply) => {
      const place = await checkIn(deps, queueUser(request), request.params.date);
      void reply.header('retry-after', String(place.pollAfterSeconds)).header('cache-control', 'no-store');
      return place;
    },
  );

  app.delete(
    '/sales/:date/me',
    {
      ...signedIn,
      schema: {
        tags: ['queue'],
        summary: 'Leave the room: the place (and a pass) ends',
        security,
        params: SaleParams,
        response: { ...problemResponses(400, 401, 404, 409, 429, 503) },
      },
    },
    async (request, reply) => {
      await leave(deps, queueUser(request), request.params.date);
      return reply.status(204).send();
    },
  );

  const adminSchema = (summary: string) => ({
    tags: ['queue-admin'],
    summary,
    security,
    params: SaleParams,
    response: { 200: RoomSettingsResponse, ...problemResponses(400, 401, 403, 409, 429, 503) },
  });

  app.get('/admin/sales/:date', { ...signedIn, schema: adminSchema("A room's settings and counters") }, async (request) => {
    requireAdmin(request);
    checkSaleDate(deps, request.params.date);
    return readSettings(deps, request.params.date);
  });

  app.put(
    '/admin/sales/:date',
    { ...signedIn, schema: { ...adminSchema('Switch a room on, or set its opening and capacity'), body: RoomSettingsBody } },
    async (request) => {
      requireAdmin(request);
      return putSettings(deps, request.params.date, request.body);
    },
  );

  app.delete('/admin/sales/:date', { ...signedIn, schema: adminSchema('Switch a room off') }, async (request) => {
    requireAdmin(request);
    return switchOff(deps, request.params.date);
  });
};
