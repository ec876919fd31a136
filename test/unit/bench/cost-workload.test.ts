import { describe, expect, it } from 'vitest';
import {
  changesOf,
  population,
  RequestDraws,
  typicalDraws,
  type DrawnRequest,
  type WorkloadShape,
} from '../../../bench/cost/workload.ts';

const shape: WorkloadShape = {
  ordinaryAuthors: 30,
  largeAuthors: 2,
  largeFollowers: 200,
  readers: 10,
  initialLinks: 2,
  seed: 7,
};

function drawsOf(seed: number, count: number): DrawnRequest[] {
  const people = population(shape);
  const draws = new RequestDraws(people, seed);
  draws.initialLinks(shape.initialLinks);
  return Array.from({ length: count }, () => draws.next());
}

describe('the cost benchmark: the requests of its workload', () => {
  it('given the same seed, when drawn twice, then the same requests come out, targets and all', () => {
    expect(drawsOf(11, 2000)).toEqual(drawsOf(11, 2000));
    expect(drawsOf(12, 2000)).not.toEqual(drawsOf(11, 2000));
  });

  it('when drawn, then each update and delete is of a link an earlier add drew and no earlier delete took', () => {
    const people = population(shape);
    const draws = new RequestDraws(people, 3);
    const live = new Map<string, string>();
    const requests = [
      ...draws.initialLinks(shape.initialLinks),
      ...Array.from({ length: 3000 }, () => draws.next()),
    ];
    for (const request of requests) {
      if (request.operation === 'add') live.set(request.page, request.username);
      if (request.operation === 'update' || request.operation === 'delete') {
        expect(live.get(request.page)).toBe(request.username);
        if (request.operation === 'delete') live.delete(request.page);
      }
    }
  });

  it('given no link to change yet, when an update or delete is drawn, then the draw says so', () => {
    const draws = new RequestDraws(population(shape), 11);

    expect(() => Array.from({ length: 200 }, () => draws.next())).toThrow(/no link left to (update|delete)/);
  });

  it('when drawn, then no reader follows an author twice, and the population keeps whom its readers follow', () => {
    const people = population(shape);
    const before = new Map([...people.following].map(([reader, followed]) => [reader, new Set(followed)]));
    const draws = new RequestDraws(people, 5);
    draws.initialLinks(shape.initialLinks);
    const follows = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const request = draws.next();
      if (request.operation !== 'follow') continue;
      expect(before.get(request.username)!.has(request.followee)).toBe(false);
      expect(follows.has(`${request.username}>${request.followee}`)).toBe(false);
      follows.add(`${request.username}>${request.followee}`);
    }
    expect(follows.size).toBeGreaterThan(0);
    expect(people.following).toEqual(before);
  });

  it("given changes by a large and an ordinary author, then the audience is their followers' sum and one change is large", () => {
    const people = population(shape);
    const large = people.authors.find((author) => author.large)!;
    const ordinary = people.authors.find((author) => !author.large)!;

    const changes = changesOf(people, [
      { operation: 'add', username: large.username, page: '/a' },
      { operation: 'delete', username: ordinary.username, page: '/b' },
      { operation: 'list', username: ordinary.username },
      { operation: 'follow', username: people.readers[0]!, followee: large.username },
    ]);

    expect(changes).toEqual({
      largeChanges: 1,
      audience: large.followers.length + ordinary.followers.length,
    });
  });

  it('when the workload is drawn with other seeds, then each draw is of its own seed and changes something', () => {
    const draws = typicalDraws(population(shape), shape, 1000, 5);

    expect(draws).toHaveLength(5);
    expect(new Set(draws.map((changes) => changes.audience)).size).toBeGreaterThan(1);
    for (const changes of draws) expect(changes.audience).toBeGreaterThan(0);
  });
});
