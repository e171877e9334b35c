/** Every station, by name. */
import type { StationsResponse } from '@rail/contracts/train';
import type { UseCaseDeps } from '../deps.js';

export async function listStations(deps: Pick<UseCaseDeps, 'catalog'>): Promise<StationsResponse> {
  const stations = await deps.catalog.stations();
  return { stations: stations.map(({ code, name }) => ({ code, name })) };
}
