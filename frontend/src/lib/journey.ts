/**
 * What the journey remembers between pages in this tab (sessionStorage): the hold as the select answer
 * gave it (so the next page renders at once on a slow network), where the OTP went (and the dev hint), and a seat choice made
 * before logging in.
 */
import type { HoldResponse } from '../api/types.js';

const get = <T>(key: string): T | null => {
  try {
    const raw = sessionStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
};
const put = (key: string, value: unknown) => {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage full or disabled: the pages fall back to the API
  }
};

export const journey = {
  hold: (id: string) => get<HoldResponse>(`rail.hold.${id}`),
  saveHold: (hold: HoldResponse) => put(`rail.hold.${hold.bookingId}`, hold),
  otp: (id: string) => get<{ sentTo?: string; devOtp?: string }>(`rail.otp.${id}`),
  saveOtp: (id: string, otp: { sentTo?: string; devOtp?: string } | null) => put(`rail.otp.${id}`, otp),
  choice: (tripId: number) => get<number[]>(`rail.choice.${tripId}`) ?? [],
  saveChoice: (tripId: number, seatIds: number[]) => put(`rail.choice.${tripId}`, seatIds.length ? seatIds : null),
};
