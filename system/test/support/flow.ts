/**
 * The steps of a traveller's journey through the gateway, for the whole-API flow tests: a fresh user, a
 * trip tomorrow, a seat held and verified with the OTP, a payment, and polling for what the events change
 * (booking status, payment status, the notification inbox).
 */
import { randomUUID } from 'node:crypto';
import { send, type Received } from '../../../gateway/test/support/http.js';

export const CARD_OK = '4242 4242 4242 4242';
export const CARD_DECLINED = '4000 0000 0000 0002';

export interface Traveller {
  token: string;
  email: string;
  phone: string;
}

export interface Trip {
  tripId: number;
  /** The service date (YYYY-MM-DD, Dhaka): the trip's sale (search answers carry it). */
  date?: string;
  from: { code: string };
  to: { code: string };
}

export interface InboxMessage {
  kind: 'otp' | 'ticket' | 'cancellation' | 'refund';
  to: string;
  subject?: string;
  body: string;
  qr?: string;
}

export function expectStatus(res: Received, ...statuses: number[]): void {
  if (!statuses.includes(res.status)) throw new Error(`expected ${statuses.join(' or ')}, got ${res.status}: ${res.body}`);
}

function tomorrowInDhaka(): string {
  return new Date(Date.now() + 6 * 3600_000 + 24 * 3600_000).toISOString().slice(0, 10);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Seats already handed to a test, per system: the seat map's availability may be up to a second old (the
 * catalog caches it), so a seat taken by the previous test can still show as available.
 */
const handedOut = new Map<string, Set<number>>();

export function journey(baseUrl: string) {
  const used = handedOut.get(baseUrl) ?? new Set<number>();
  handedOut.set(baseUrl, used);
  const api = (
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<Received> =>
    send(`${baseUrl}${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
        ...headers,
      },
    });

  /** Polls until `probe` returns a value, or fails naming what it waited for and the last answer. */
  const poll = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await sleep(200);
    }
  };

  return {
    api,
    poll,

    async register(name = 'Flow Test'): Promise<Traveller> {
      const email = `flow-${randomUUID().slice(0, 8)}@example.com`;
      const phone = `017${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
      const password = 'correct horse battery staple';
      expectStatus(await api('POST', '/api/auth/register', { name, email, phone, password }), 201);
      const login = await api('POST', '/api/auth/login', { email, password });
      expectStatus(login, 200);
      return { token: login.json<{ token: string }>().token, email, phone };
    },

    async tripTomorrow(): Promise<Trip> {
      const search = await api('GET', `/api/trains/search?from=DHK&to=CTG&date=${tomorrowInDhaka()}`);
      expectStatus(search, 200);
      const trip = search.json<{ trips: Trip[] }>().trips[0];
      if (!trip) throw new Error(`no trip from DHK to CTG tomorrow: ${search.body}`);
      return trip;
    },

    async availableSeat(trip: Trip): Promise<number> {
      const map = await api('GET', `/api/trains/trips/${trip.tripId}/seats?from=${trip.from.code}&to=${trip.to.code}`);
      expectStatus(map, 200);
      const seat = map
        .json<{ coaches: { seats: { seatId: number; status: string }[] }[] }>()
        .coaches.flatMap((c) => c.seats)
        .find((s) => s.status === 'available' && !used.has(s.seatId));
      if (!seat) throw new Error('no available seat');
      used.add(seat.seatId);
      return seat.seatId;
    },

    select(traveller: Traveller, trip: Trip, seatId: number): Promise<Received> {
      return api(
        'POST',
        '/api/bookings/seats/select',
        { tripId: trip.tripId, seatIds: [seatId], from: trip.from.code, to: trip.to.code },
        traveller.token,
      );
    },

    /** select -> confirm (passengers, OTP sent) -> verify OTP: the booking is PENDING_PAYMENT. */
    async holdForPayment(traveller: Traveller, trip: Trip, seatId: number): Promise<string> {
      const select = await this.select(traveller, trip, seatId);
      expectStatus(select, 201);
      const { bookingId } = select.json<{ bookingId: string }>();
      const confirm = await api(
        'POST',
        '/api/bookings/seats/confirm',
        { bookingId, passengers: [{ name: 'Flow Test' }] },
        traveller.token,
      );
      expectStatus(confirm, 200, 201);
      const otp = confirm.json<{ devOtp?: string }>().devOtp;
      if (!otp) throw new Error(`no devOtp echoed: ${confirm.body}`);
      const verified = await api('POST', `/api/bookings/${bookingId}/verify-otp`, { otp }, traveller.token);
      expectStatus(verified, 200, 201);
      if (verified.json<{ status: string }>().status !== 'PENDING_PAYMENT') throw new Error(`not payable: ${verified.body}`);
      return bookingId;
    },

    async initiate(traveller: Traveller, bookingId: string): Promise<string> {
      const initiated = await api('POST', '/api/payments/initiate', { bookingId }, traveller.token);
      expectStatus(initiated, 201);
      return initiated.json<{ paymentId: string }>().paymentId;
    },

    async pay(traveller: Traveller, paymentId: string, cardNumber: string): Promise<{ status: string; reason?: string }> {
      const paid = await api(
        'POST',
        '/api/payments/verify',
        { paymentId, method: 'card', cardNumber, expiry: '12/30', cvc: '123' },
        traveller.token,
      );
      expectStatus(paid, 200);
      return paid.json<{ status: string; reason?: string }>();
    },

    async booking(traveller: Traveller, bookingId: string): Promise<{ status: string; reference: string | null }> {
      const res = await api('GET', `/api/bookings/${bookingId}`, undefined, traveller.token);
      expectStatus(res, 200);
      return res.json<{ status: string; reference: string | null }>();
    },

    waitForBooking(traveller: Traveller, bookingId: string, status: string) {
      return poll(`booking ${bookingId} ${status}`, async () => {
        const booking = await this.booking(traveller, bookingId);
        return booking.status === status ? booking : undefined;
      });
    },

    waitForPayment(traveller: Traveller, paymentId: string, status: string) {
      return poll(`payment ${paymentId} ${status}`, async () => {
        const res = await api('GET', `/api/payments/${paymentId}`, undefined, traveller.token);
        expectStatus(res, 200);
        const payment = res.json<{ status: string; amount: number }>();
        return payment.status === status ? payment : undefined;
      });
    },

    /** Everything the notification service sent to the traveller's phone and e-mail address. */
    async inbox(traveller: Traveller): Promise<InboxMessage[]> {
      const messages: InboxMessage[] = [];
      for (const to of [traveller.email, traveller.phone]) {
        const res = await api('GET', `/api/notifications/inbox?to=${encodeURIComponent(to)}`);
        expectStatus(res, 200);
        messages.push(...res.json<{ messages: InboxMessage[] }>().messages);
      }
      return messages;
    },

    waitForMessage(traveller: Traveller, what: string, match: (m: InboxMessage) => boolean) {
      return poll(what, async () => (await this.inbox(traveller)).find(match));
    },
  };
}
