/**
 * The e-ticket QR payload: a compact signed string a ticket checker can verify offline with the public key
 * alone (Ed25519), so a scanner that is lost or copied cannot mint tickets. Format:
 *   RT1.<base64url(JSON payload)>.<base64url(signature over "RT1.<payload>")>
 */
import { createPrivateKey, createPublicKey, sign, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

const PREFIX = 'RT1';
// DER header of a PKCS#8 Ed25519 private key; the 32-byte seed follows.
const PKCS8_ED25519_HEADER = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface TicketClaims {
  v: 1;
  /** Booking reference printed on the ticket. */
  ref: string;
  bookingId: string;
  tripId: number;
  date: string;
  from: string;
  to: string;
  /** Seat labels, e.g. "KA-12". */
  seats: string[];
  passengers: number;
  /** Issued at, seconds since the epoch. */
  iat: number;
}

/** What a booking's e-ticket is made from, whether it comes from booking.confirmed or is re-issued later. */
export interface TicketBooking {
  bookingId: string;
  reference: string;
  tripId: number;
  date: string;
  from: string;
  to: string;
  seats: { coach: string; label: string }[];
  passengers: number;
}

/** Seat labels as printed and scanned: "KA-12" (the coach is added when the label lacks it). */
export function seatLabel(seat: { coach: string; label: string }): string {
  return seat.label.startsWith(`${seat.coach}-`) ? seat.label : `${seat.coach}-${seat.label}`;
}

/** The claims a booking's QR carries (the signer adds the version and the issue time). */
export function ticketClaims(booking: TicketBooking): Omit<TicketClaims, 'v' | 'iat'> {
  return {
    ref: booking.reference,
    bookingId: booking.bookingId,
    tripId: booking.tripId,
    date: booking.date,
    from: booking.from,
    to: booking.to,
    seats: booking.seats.map(seatLabel),
    passengers: booking.passengers,
  };
}

export interface TicketSigner {
  sign(claims: Omit<TicketClaims, 'v' | 'iat'>, now?: Date): string;
  verify(token: string): TicketClaims | null;
  publicJwk(): JsonWebKey;
}

export function ticketKeysFromSeed(seedBase64url: string): { privateKey: KeyObject; publicKey: KeyObject } {
  const seed = Buffer.from(seedBase64url, 'base64url');
  if (seed.length !== 32) throw new Error('TICKET_SIGNING_KEY must be 32 bytes (base64url)');
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_HEADER, seed]), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** Checks a scanned string against the public key; null for anything forged, altered or malformed. */
export function verifyTicket(token: string, publicKey: KeyObject): TicketClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX) return null;
  const [, payload = '', signature = ''] = parts;
  let ok = false;
  try {
    ok = verify(null, Buffer.from(`${PREFIX}.${payload}`), publicKey, Buffer.from(signature, 'base64url'));
  } catch {
    return null;
  }
  if (!ok) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TicketClaims;
    return claims.v === 1 ? claims : null;
  } catch {
    return null;
  }
}

export function createTicketSigner(seedBase64url: string): TicketSigner {
  const { privateKey, publicKey } = ticketKeysFromSeed(seedBase64url);
  return {
    sign(claims, now = new Date()) {
      const full: TicketClaims = { v: 1, ...claims, iat: Math.floor(now.getTime() / 1000) };
      const payload = Buffer.from(JSON.stringify(full)).toString('base64url');
      const signature = sign(null, Buffer.from(`${PREFIX}.${payload}`), privateKey).toString('base64url');
      return `${PREFIX}.${payload}.${signature}`;
    },
    verify: (token) => verifyTicket(token, publicKey),
    publicJwk: () => publicKey.export({ format: 'jwk' }),
  };
}
