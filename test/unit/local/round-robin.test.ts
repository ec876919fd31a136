import { describe, expect, it } from 'vitest';
import { RoundRobin } from '../../../local/round-robin.ts';

/** `count` items of one tenant, named `<tenant><n>`. */
function addMany(queue: RoundRobin<string>, tenant: string, count: number): void {
  for (let i = 1; i <= count; i++) queue.add(tenant, `${tenant}${i}`);
}

describe('handing out work in turns across tenants', () => {
  it('given one tenant with a backlog and another with one item, when a batch is taken, then the other goes second', () => {
    const queue = new RoundRobin<string>();
    addMany(queue, 'a', 2000);
    queue.add('b', 'b1');

    expect(queue.take(5)).toEqual(['a1', 'b1', 'a2', 'a3', 'a4']);
    expect(queue.size).toBe(1996);
  });

  it('given three tenants, when batches are taken, then each round serves each tenant once and the next batch carries on', () => {
    const queue = new RoundRobin<string>();
    addMany(queue, 'a', 3);
    addMany(queue, 'b', 2);
    addMany(queue, 'c', 1);

    expect(queue.take(4)).toEqual(['a1', 'b1', 'c1', 'a2']);
    expect(queue.take(4)).toEqual(['b2', 'a3']);
    expect(queue.take(4)).toEqual([]);
  });

  it('given a tenant served in one batch, when a newcomer arrives, then the newcomer goes before the tenant\u2019s next item', () => {
    const queue = new RoundRobin<string>();
    addMany(queue, 'a', 10);
    queue.take(3);
    queue.add('b', 'b1');

    expect(queue.take(2)).toEqual(['a4', 'b1']);
  });

  it('given held items, when all are taken, then none are left and they come tenant by tenant in order', () => {
    const queue = new RoundRobin<string>();
    addMany(queue, 'a', 2);
    queue.add('b', 'b1');

    expect(queue.items()).toEqual(['a1', 'a2', 'b1']);
    expect(queue.takeAll()).toEqual(['a1', 'a2', 'b1']);
    expect(queue.size).toBe(0);
    expect(queue.take(5)).toEqual([]);
  });
});
