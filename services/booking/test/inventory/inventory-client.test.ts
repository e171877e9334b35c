/**
 * The train-inventory client against a real HTTP server: one request per trip however many ask at once,
 * unknown trips remembered briefly, 503s when the train service is down or answers off-contract.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInventoryClient } from '../../src/inventory/inventory-client.js';
import { makeInventory } from '../helpers/fixtures.js';
import { startInventoryServer, type InventoryServer } from '../helpers/inventory-server.js';

let train: InventoryServer;
beforeAll(async () => {
  train = await startInventoryServer([makeInventory(1), makeInventory(2)]);
});
afterAll(() => train.close());

describe('createInventoryClient', () => {
  it('loads a trip once for any number of concurrent callers and then serves it from memory', async () => {
    const client = createInventoryClient({ baseUrl: train.url });
    const before = train.requests();
    const catalogs = await Promise.all(Array.from({ length: 50 }, () => client.get(1)));
    expect(new Set(catalogs).size).toBe(1);
    expect(catalogs[0]!.tripId).toBe(1);
    expect(client.peek(1)).toBe(catalogs[0]);
    expect(await client.get(1)).toBe(catalogs[0]);
    expect(train.requests() - before).toBe(1);
  });

  it('answers 400 UNKNOWN_TRIP naming the field, and remembers the unknown trip for unknownTtlMs', async () => {
    const client = createInventoryClient({ baseUrl: train.url, unknownTtlMs: 150 });
    const before = train.requests();
    await expect(client.get(99, 'params.tripId')).rejects.toMatchObject({
      status: 400,
      code: 'UNKNOWN_TRIP',
      errors: [{ field: 'params.tripId', message: 'trip 99 does not exist' }],
    });
    await expect(client.get(99)).rejects.toMatchObject({ code: 'UNKNOWN_TRIP', errors: [{ field: 'body.tripId' }] });
    expect(train.requests() - before).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(client.get(99)).rejects.toMatchObject({ code: 'UNKNOWN_TRIP' });
    expect(train.requests() - before).toBe(2);
  });

  it('answers 503 TRAIN_SERVICE_UNAVAILABLE with Retry-After when the train service is down, and does not remember it', async () => {
    const client = createInventoryClient({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 300 });
    await expect(client.get(1)).rejects.toMatchObject({ status: 503, code: 'TRAIN_SERVICE_UNAVAILABLE', retryAfter: 2 });
    expect(client.peek(1)).toBeUndefined();
  });

  it('refuses an inventory for another trip or off its contract as 503 TRAIN_SERVICE_INVALID', async () => {
    const wrong = createServer((req, res) => {
      const body = req.url?.includes('/3/') ? makeInventory(4) : { tripId: 5, stops: 'nope' };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => wrong.listen(0, '127.0.0.1', resolve));
    try {
      const client = createInventoryClient({ baseUrl: `http://127.0.0.1:${(wrong.address() as AddressInfo).port}` });
      await expect(client.get(3)).rejects.toMatchObject({ status: 503, code: 'TRAIN_SERVICE_INVALID' });
      await expect(client.get(5)).rejects.toMatchObject({ status: 503, code: 'TRAIN_SERVICE_INVALID' });
    } finally {
      wrong.closeAllConnections();
      await new Promise<void>((resolve) => wrong.close(() => resolve()));
    }
  });
});
