/**
 * Items waiting per tenant, handed out in turns: each `take` goes round the tenants that have items waiting,
 * one item of each per round, in the order they first had work, and the next `take` carries on where this one
 * stopped. A tenant with a thousand items waiting gets one turn per round like a tenant with one, so a newcomer
 * is served within one round. Within a tenant, items keep the order they were added in.
 */
export class RoundRobin<T> {
  /** Tenants in turn order (a Map iterates in insertion order); a tenant served goes to the back. */
  private readonly waiting = new Map<string, T[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(tenant: string, item: T): void {
    const items = this.waiting.get(tenant);
    if (items) items.push(item);
    else this.waiting.set(tenant, [item]);
    this.count++;
  }

  take(max: number): T[] {
    const taken: T[] = [];
    for (const [tenant, items] of this.waiting) {
      if (taken.length >= max) break;
      taken.push(items.shift()!);
      this.count--;
      // A Map's iteration visits entries added while it runs: re-inserted behind the others, the tenant comes
      // round again in the next round of this same loop, which ends when `max` are taken or none are left.
      this.waiting.delete(tenant);
      if (items.length > 0) this.waiting.set(tenant, items);
    }
    return taken;
  }

  /** Every item waiting, tenant by tenant, without taking any. */
  items(): T[] {
    return [...this.waiting.values()].flat();
  }

  /** Takes every item waiting. */
  takeAll(): T[] {
    const all = this.items();
    this.waiting.clear();
    this.count = 0;
    return all;
  }
}
