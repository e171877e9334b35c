/**
 * Seats left of a sale (every trip of a date), asked of train's internal API (SaleSeatsResponse) by the
 * admission job every few seconds, never per request: the number is stored in the room's hash and every answer
 * reads it from there.
 */
import { SaleSeatsResponse } from '@rail/contracts/queue';
import { createServiceClient } from '@rail/service-client';

export interface SeatsSource {
  /** Seats with a free leg of the date's trips; null when unknown (train or booking did not answer). */
  seatsLeft(date: string): Promise<number | null>;
  close(): Promise<void>;
}

export function createHttpSeatsSource(options: { trainUrl: string; timeoutMs: number }): SeatsSource {
  const train = createServiceClient({ service: 'train', baseUrl: options.trainUrl, timeoutMs: options.timeoutMs });
  return {
    async seatsLeft(date) {
      const answer = await train.get(`/internal/sales/${encodeURIComponent(date)}/seats`, SaleSeatsResponse, {
        idempotent: true,
      });
      return answer?.seatsLeft ?? null;
    },
    close: () => train.close(),
  };
}
