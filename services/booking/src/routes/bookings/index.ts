/**
 * Public booking API (behind the gateway, prefix /api/bookings): every route needs a valid access token. Select
 * and confirm also need the waiting room's pass while their trip's date has an active room (X-Queue-Pass).
 */
import { requireUser } from '@rail/auth-verify';
import {
  BookingIdParams,
  BookingList,
  BookingView,
  ConfirmSeatsBody,
  ConfirmSeatsResponse,
  ListBookingsQuery,
  ReleaseBookingResponse,
  SelectSeatsBody,
  SelectSeatsResponse,
  VerifyOtpBody,
  VerifyOtpResponse,
  isAllocation,
  JoinWaitlistBody,
  JoinWaitlistResponse,
  LeaveWaitlistResponse,
  WaitlistIdParams,
  WaitlistList,
} from '@rail/contracts/booking';
import { problemResponses, type FastifyPluginAsyncTypebox } from '@rail/http';
import { IdempotencyKeyHeaders, idempotencyHooks, redisIdempotencyStore } from '@rail/idempotency';
import { createUserRateLimit, USER_BUDGETS } from '@rail/rate-limit';
import type { BookingDeps } from '../../deps.js';
import { allocateSeats } from '../../use-cases/allocate-seats.js';
import { cancelBooking } from '../../use-cases/cancel-booking.js';
import { confirmSeats } from '../../use-cases/confirm-seats.js';
import { getBooking, listBookings } from '../../use-cases/read-bookings.js';
import { selectSeats } from '../../use-cases/select-seats.js';
import { requirePassForBooking, requirePassForTrip } from '../../use-cases/require-queue-pass.js';
import { verifyOtp } from '../../use-cases/verify-otp.js';
import { joinWaitlist, leaveWaitlist, listWaitlist } from '../../use-cases/waitlist.js';
import type { WaitingRoom } from '../../waiting-room/waiting-room.js';
import { HotRouteHeaders, passOf, QueueRequiredResponse } from './queue-pass.js';

export interface BookingRoutesOptions {
  deps: BookingDeps;
  waitingRoom: WaitingRoom;
}

const security = [{ bearer: [] }];

export const bookingRoutes: FastifyPluginAsyncTypebox<BookingRoutesOptions> = async (app, { deps, waitingRoom }) => {
  // Every POST takes an Idempotency-Key (per user): a retry replays the first answer instead of acting twice.
  const store = redisIdempotencyStore(deps.redis, { prefix: deps.seats.prefix });
  const idem = idempotencyHooks({ store, owner: (request) => request.user?.id });
  // Confirm and verify-otp are safe to repeat by the booking's own state in PostgreSQL (confirm acts on a HELD
  // booking under a row lock with a capped number of OTP sends; a verified booking refuses a second verify), so
  // with Redis down they run without their key instead of failing (@rail/idempotency whenStoreUnavailable).
  const idemByState = idempotencyHooks({ store, owner: (request) => request.user?.id, whenStoreUnavailable: 'proceed' });
  // Per-account budgets (verified user id, shared by every replica), as the gateway's per-user zones were.
  const limit = createUserRateLimit({ redis: deps.redis, keyPrefix: `${deps.seats.prefix}rate-limit:` });
  const signedIn = (budget: keyof typeof USER_BUDGETS) => ({ onRequest: [app.authenticate, limit(USER_BUDGETS[budget])] });
  const post = (budget: keyof typeof USER_BUDGETS, hooks = idem) => ({ ...signedIn(budget), ...hooks });
  // Completing what a traveller already started (holds exist, a payment may follow) is refused for load only
  // when the process is far more overloaded than for new holds (packages/http/src/overload.ts).
  const finish = { config: { overload: 'finish' as const } };
  // The waiting room's check runs first among the preHandlers: after authentication and body validation, before
  // the Idempotency-Key is claimed, so a 403 QUEUE_REQUIRED is never stored and replayed to the retry with a pass.
  const selectHooks = post('select');
  const confirmHooks = post('api', idemByState);

  app.post(
    '/seats/select',
    {
      ...selectHooks,
      preHandler: [
        async (request) => requirePassForTrip(deps, waitingRoom, requireUser(request), request.body.tripId, passOf(request)),
        selectHooks.preHandler,
      ],
      schema: {
        summary: 'Hold 1-4 seats of a trip for a journey segment: the seats named, or count seats of a class chosen for you',
        security,
        headers: HotRouteHeaders,
        body: SelectSeatsBody,
        response: { 201: SelectSeatsResponse, 403: QueueRequiredResponse, ...problemResponses(400, 401, 409, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const user = requireUser(request);
      const held = isAllocation(body) ? await allocateSeats(deps, user, body) : await selectSeats(deps, user, body);
      return reply.status(201).send(held);
    },
  );

  app.post(
    '/seats/confirm',
    {
      ...confirmHooks,
      preHandler: [
        async (request) =>
          requirePassForBooking(deps, waitingRoom, requireUser(request), request.body.bookingId, passOf(request)),
        confirmHooks.preHandler,
      ],
      ...finish,
      schema: {
        summary: 'Record passengers and send the booking OTP',
        security,
        headers: HotRouteHeaders,
        body: ConfirmSeatsBody,
        response: { 200: ConfirmSeatsResponse, 403: QueueRequiredResponse, ...problemResponses(400, 401, 404, 409, 422, 429) },
      },
    },
    async (request) => confirmSeats(deps, requireUser(request), request.body),
  );

  app.post(
    '/:id/verify-otp',
    {
      ...post('strict', idemByState),
      ...finish,
      schema: {
        summary: 'Verify the booking OTP: the booking then awaits payment',
        security,
        headers: IdempotencyKeyHeaders,
        params: BookingIdParams,
        body: VerifyOtpBody,
        response: { 200: VerifyOtpResponse, ...problemResponses(400, 401, 404, 409, 422, 429) },
      },
    },
    async (request) => verifyOtp(deps, requireUser(request), request.params.id, request.body.otp),
  );

  app.post(
    '/waitlist',
    {
      ...post('api'),
      schema: {
        summary: 'Join the waitlist of a sold-out class for a journey segment (1-4 seats)',
        security,
        headers: IdempotencyKeyHeaders,
        body: JoinWaitlistBody,
        response: { 201: JoinWaitlistResponse, ...problemResponses(400, 401, 409, 422, 429, 503) },
      },
    },
    async (request, reply) => reply.status(201).send(await joinWaitlist(deps, requireUser(request), request.body)),
  );

  app.get(
    '/waitlist',
    {
      ...signedIn('api'),
      schema: {
        summary: 'My waitlist entries, with my place in line while waiting',
        security,
        response: { 200: WaitlistList, ...problemResponses(401, 429) },
      },
    },
    async (request) => listWaitlist(deps, requireUser(request).id),
  );

  app.delete(
    '/waitlist/:id',
    {
      ...signedIn('api'),
      schema: {
        summary: 'Leave a waitlist (an offered entry lets its seats go to the next in line)',
        security,
        params: WaitlistIdParams,
        response: { 200: LeaveWaitlistResponse, ...problemResponses(400, 401, 404, 409, 429) },
      },
    },
    async (request) => leaveWaitlist(deps, requireUser(request), request.params.id),
  );

  app.get(
    '/:id',
    {
      ...signedIn('api'),
      ...finish,
      schema: {
        summary: 'One of my bookings',
        security,
        params: BookingIdParams,
        response: { 200: BookingView, ...problemResponses(400, 401, 404, 429) },
      },
    },
    async (request) => getBooking(deps, requireUser(request).id, request.params.id),
  );

  app.get(
    '/',
    {
      ...signedIn('api'),
      schema: {
        summary: 'My bookings, newest first',
        security,
        querystring: ListBookingsQuery,
        response: { 200: BookingList, ...problemResponses(400, 401, 429) },
      },
    },
    async (request) => listBookings(deps, requireUser(request).id, request.query.limit, request.query.cursor),
  );

  app.delete(
    '/:id',
    {
      ...signedIn('api'),
      ...finish,
      schema: {
        summary: 'Release a hold at once, or cancel a confirmed booking with a refund',
        security,
        params: BookingIdParams,
        response: { 200: ReleaseBookingResponse, ...problemResponses(400, 401, 404, 409, 429) },
      },
    },
    async (request) => cancelBooking(deps, requireUser(request), request.params.id),
  );
};
