/**
 * The waiting room's HTTP contract (the queue service, served under /api/queue): a sale's status, joining
 * its room, the check-in that reports a place, leaving, and the operators' switch. A sale is every trip of
 * one date; it opens at a fixed local time (the railway's rule, `SaleRule`), and from a set time before it,
 * or while the booking tier is saturated, its room stands in front of the hot endpoints: seat select and
 * confirm, and the seat maps of the date's trips, which then need `X-Queue-Pass: <pass>` (403
 * QUEUE_REQUIRED without a valid one, see `QueueRequiredProblem`).
 */
import { Type, type Static } from '@sinclair/typebox';
import { IsoDate, IsoDateTime } from './common.js';

/** The request header that carries a pass to the hot endpoints. */
export const QUEUE_PASS_HEADER = 'x-queue-pass';

export const SaleDate = Type.String({ ...IsoDate, format: 'date' });

export const SaleParams = Type.Object({ date: SaleDate }, { additionalProperties: false });
export type SaleParams = Static<typeof SaleParams>;

/** The railway's rule: a date goes on sale `opensDaysBefore` days earlier at `opensAtLocal` in `timeZone`. */
export const SaleRule = Type.Object({
  opensDaysBefore: Type.Integer({ minimum: 0 }),
  opensAtLocal: Type.String({ pattern: '^\\d{2}:\\d{2}$', examples: ['08:00'] }),
  timeZone: Type.String({ examples: ['Asia/Dhaka'] }),
  /** The room opens this many minutes before a scheduled opening. */
  roomOpensMinutesBefore: Type.Integer({ minimum: 0 }),
});
export type SaleRule = Static<typeof SaleRule>;

/**
 * `scheduled`: not open yet and no room yet; `queueing`: the room is active (before the opening: the
 * pre-queue, shuffled at the opening; after it: admission in order); `selling`: open, no room in front;
 * `sold-out`: every seat of the date's trips is held or sold.
 */
export const SaleStatus = Type.Union([
  Type.Literal('scheduled'),
  Type.Literal('queueing'),
  Type.Literal('selling'),
  Type.Literal('sold-out'),
]);
export type SaleStatus = Static<typeof SaleStatus>;

/** Why a room is active: its scheduled opening, an operator, or the booking tier's saturation. */
export const RoomReason = Type.Union([
  Type.Literal('scheduled'),
  Type.Literal('operator'),
  Type.Literal('saturation'),
  Type.Null(),
]);
export type RoomReason = Static<typeof RoomReason>;

/** Seats of the date's trips that still have at least one free leg; null when booking did not answer. */
const SeatsLeft = Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]);

export const SaleResponse = Type.Object({
  date: SaleDate,
  /** When the sale opens (or opened): the rule's time, or an operator's override. */
  opensAt: IsoDateTime,
  /** When the room starts taking joins for the opening. */
  roomOpensAt: IsoDateTime,
  roomActive: Type.Boolean(),
  roomReason: RoomReason,
  status: SaleStatus,
  seatsLeft: SeatsLeft,
  /** People waiting (pre-queue and queue) and holding passes now. */
  waiting: Type.Integer({ minimum: 0 }),
  activeShoppers: Type.Integer({ minimum: 0 }),
  rule: SaleRule,
});
export type SaleResponse = Static<typeof SaleResponse>;

/** `waiting`: in the room; `admitted`: may buy (with `pass` while the room is active); `sold-out`: nothing left. */
export const PlaceStatus = Type.Union([Type.Literal('waiting'), Type.Literal('admitted'), Type.Literal('sold-out')]);
export type PlaceStatus = Static<typeof PlaceStatus>;

/**
 * One user's place in a sale's room: the answer of join and of the check-in (`GET .../me`). Position and
 * `ahead` are null in the pre-queue (before the opening every place is drawn at random at the opening,
 * so there is no order yet), and 0 once admitted. `estimatedWaitSeconds` comes from the measured admission
 * rate (the configured rate until one is measured); null when it cannot be estimated. Check in again after
 * `pollAfterSeconds` (also sent as Retry-After): a waiting place not checked in within the grace period is
 * given up.
 */
export const PlaceResponse = Type.Object({
  date: SaleDate,
  status: PlaceStatus,
  /** 1-based; 0 once admitted; null in the pre-queue. */
  position: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  ahead: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  estimatedWaitSeconds: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  seatsLeft: SeatsLeft,
  opensAt: IsoDateTime,
  /** True before the opening: this place will be drawn at random at `opensAt`. */
  preQueue: Type.Boolean(),
  roomActive: Type.Boolean(),
  /** The signed pass for `X-Queue-Pass` (admitted while the room is active). */
  pass: Type.Optional(Type.String()),
  passExpiresAt: Type.Optional(IsoDateTime),
  pollAfterSeconds: Type.Integer({ minimum: 1 }),
  /** A sentence for people: why this status (e.g. "Sold out: every seat of 2026-12-10 is taken."). */
  message: Type.String(),
});
export type PlaceResponse = Static<typeof PlaceResponse>;

/**
 * The operator's switch: PUT switches the room on (`mode: "on"`, the default: active now until DELETE,
 * or until sold out) or only overrides the sale's settings (`mode: "scheduled"`: active from
 * `roomOpensMinutesBefore` before `opensAt` until the queue has drained). Omitted fields keep the rule's
 * defaults. DELETE switches the room off: it stays off (no scheduled or saturation room) until a PUT.
 */
export const RoomSettingsBody = Type.Object(
  {
    opensAt: Type.Optional(IsoDateTime),
    roomOpensMinutesBefore: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_080 })),
    activeShoppers: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    admissionsPerSecond: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100_000 })),
    mode: Type.Optional(Type.Union([Type.Literal('on'), Type.Literal('scheduled')])),
  },
  { additionalProperties: false },
);
export type RoomSettingsBody = Static<typeof RoomSettingsBody>;

export const RoomMode = Type.Union([Type.Literal('on'), Type.Literal('scheduled'), Type.Literal('off')]);
export type RoomMode = Static<typeof RoomMode>;

/** A sale's effective settings and live counters (operators). */
export const RoomSettingsResponse = Type.Object({
  date: SaleDate,
  mode: RoomMode,
  opensAt: IsoDateTime,
  roomOpensMinutesBefore: Type.Integer({ minimum: 0 }),
  activeShoppers: Type.Integer({ minimum: 1 }),
  admissionsPerSecond: Type.Number({ exclusiveMinimum: 0 }),
  /** The rate the room admits at now, after adapting to booking's latency and errors. */
  currentAdmissionsPerSecond: Type.Number({ minimum: 0 }),
  roomActive: Type.Boolean(),
  roomReason: RoomReason,
  waiting: Type.Integer({ minimum: 0 }),
  active: Type.Integer({ minimum: 0 }),
  admittedTotal: Type.Integer({ minimum: 0 }),
});
export type RoomSettingsResponse = Static<typeof RoomSettingsResponse>;

/** 403 from the hot endpoints while a date's room is active and no valid pass came with the request. */
export const QueueRequiredProblem = Type.Object({
  code: Type.Literal('QUEUE_REQUIRED'),
  /** Where to queue: the sale's path, e.g. `/api/queue/sales/2026-12-10`. */
  queue: Type.String(),
  date: SaleDate,
});
export type QueueRequiredProblem = Static<typeof QueueRequiredProblem>;

/** Stable error codes of the waiting room. */
export const QueueErrorCode = {
  /** 403: the endpoint needs a valid pass for this sale while its room is active. */
  QUEUE_REQUIRED: 'QUEUE_REQUIRED',
  /** 503 + Retry-After: the room's store (Redis) is unreachable; admissions pause, issued passes keep working. */
  QUEUE_UNAVAILABLE: 'QUEUE_UNAVAILABLE',
  /** 404: no place in this sale's room (never joined, left, or given up for missing check-ins). */
  NOT_IN_QUEUE: 'NOT_IN_QUEUE',
  /** 409: the sale's date has passed, or is not sold by the railway. */
  SALE_CLOSED: 'SALE_CLOSED',
  /** 409: this phone number already holds a place in the sale through another account. */
  PHONE_ALREADY_QUEUED: 'PHONE_ALREADY_QUEUED',
  /** 409: the sale's room does not take joins yet (before `roomOpensAt`, no room active); `opensAt` says when it opens. */
  QUEUE_NOT_OPEN: 'QUEUE_NOT_OPEN',
} as const;
export type QueueErrorCode = (typeof QueueErrorCode)[keyof typeof QueueErrorCode];

/** Internal (train -> queue service): seats left of a date's trips. Not routed by the gateway. */
export const SaleSeatsResponse = Type.Object({
  date: SaleDate,
  trips: Type.Integer({ minimum: 0 }),
  seatsTotal: Type.Integer({ minimum: 0 }),
  /** Seats with at least one free leg (not held, not booked); null when booking did not answer. */
  seatsLeft: SeatsLeft,
});
export type SaleSeatsResponse = Static<typeof SaleSeatsResponse>;

/**
 * Internal (queue service -> every service that guards hot endpoints, through @rail/queue-pass's room
 * watcher): the dates whose room is active now. `until` is set when the room's end is known in advance
 * (none today: a room ends when its queue drains or an operator switches it off). Not routed by the gateway.
 */
export const ActiveRoomsResponse = Type.Object({
  rooms: Type.Array(Type.Object({ date: SaleDate, until: Type.Optional(IsoDateTime) })),
});
export type ActiveRoomsResponse = Static<typeof ActiveRoomsResponse>;

/** The path of `ActiveRoomsResponse` on QUEUE_SERVICE_URL. */
export const ACTIVE_ROOMS_PATH = '/internal/rooms/active';
