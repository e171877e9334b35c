/** One booking for the journey pages: shown at once from the hold this tab made, then fresh from the API. */
import type { Api } from '../api/endpoints.js';
import type { Booking } from '../api/types.js';
import { journey } from '../lib/journey.js';
import { useAsync, type AsyncState } from '../lib/use-async.js';

export function useBooking(api: Api, id: string): AsyncState<Booking> {
  const state = useAsync((signal) => api.booking(id, { signal }), [api, id]);
  if (state.data) return state;
  const hold = journey.hold(id);
  return hold ? { ...state, data: { ...hold, passengers: [], reference: null, createdAt: '', updatedAt: '' } } : state;
}

/** Where "choose seats again" leads for a booking. */
export const seatsHref = (b: Pick<Booking, 'tripId' | 'from' | 'to'>) => `/trips/${b.tripId}/seats?from=${b.from}&to=${b.to}`;
