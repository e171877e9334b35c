/** buildApp: the booking app serves its OpenAPI document with the booking schemas. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeInventory } from './helpers/fixtures.js';
import { startHarness, type Harness } from './helpers/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness([makeInventory(37)]);
});
afterAll(() => h?.close());

describe('buildApp', () => {
  it('serves the OpenAPI document with the booking schemas', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/bookings/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().paths)).toContain('/api/bookings/seats/select');
  });
});
