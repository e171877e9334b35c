import { describe, expect, it, vi } from 'vitest';
import { ACTIVE_ROOMS_PATH, activeRoomsFetcher, createRoomWatcher, type ActiveRooms } from '../src/index.js';

const logger = { warn: vi.fn() };

describe('createRoomWatcher', () => {
  it('polls in the background and keeps the last known rooms when a poll fails (fail closed)', async () => {
    let answer: ActiveRooms | Error = { rooms: [{ date: '2026-12-10' }] };
    const fetchActive = vi.fn(async () => {
      if (answer instanceof Error) throw answer;
      return answer;
    });
    const watcher = createRoomWatcher({ fetchActive, intervalMs: 20, logger });
    expect(watcher.isActive('2026-12-10')).toBe(false);
    await watcher.start();
    expect(watcher.isActive('2026-12-10')).toBe(true);
    expect(watcher.isActive('2026-12-11')).toBe(false);
    answer = new Error('queue down');
    await vi.waitFor(() => expect(fetchActive.mock.calls.length).toBeGreaterThanOrEqual(3));
    expect(watcher.isActive('2026-12-10')).toBe(true);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    answer = { rooms: [] };
    await vi.waitFor(() => expect(watcher.isActive('2026-12-10')).toBe(false));
    watcher.stop();
    const calls = fetchActive.mock.calls.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(fetchActive.mock.calls.length).toBe(calls);
  });

  it('never calls per request and honours a known end', async () => {
    let t = 1000;
    const fetchActive = vi.fn(async () => ({ rooms: [{ date: '2026-12-10', until: new Date(2000).toISOString() }] }));
    const watcher = createRoomWatcher({ fetchActive, intervalMs: 60_000, logger, now: () => t });
    await watcher.start();
    for (let i = 0; i < 100; i++) watcher.isActive('2026-12-10');
    expect(fetchActive).toHaveBeenCalledTimes(1);
    expect(watcher.isActive('2026-12-10')).toBe(true);
    t = 2000;
    expect(watcher.isActive('2026-12-10')).toBe(false);
    watcher.stop();
  });
});

describe('activeRoomsFetcher', () => {
  it('asks the queue service for its active rooms, and takes a 404 for a failed poll, not for no rooms', async () => {
    const rooms: ActiveRooms = { rooms: [{ date: '2026-12-10' }] };
    const get = vi.fn(async () => rooms as ActiveRooms | null);
    const fetchActive = activeRoomsFetcher({ get });
    expect(await fetchActive()).toEqual(rooms);
    expect(get).toHaveBeenCalledWith(ACTIVE_ROOMS_PATH, expect.anything());
    get.mockResolvedValueOnce(null);
    await expect(fetchActive()).rejects.toThrow(/404 on \/internal\/rooms\/active/);
  });
});
