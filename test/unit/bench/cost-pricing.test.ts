import { describe, expect, it } from 'vitest';
import { prices } from '../../../bench/cost/prices.ts';
import {
  billedGbSeconds,
  billedSqsRequests,
  costRows,
  durationAtMemory,
  floorRows,
  perMillion,
  pollerRequestsIfBatchesFull,
  sampledShare,
} from '../../../bench/cost/pricing.ts';
import { aMeasuredRun } from '../../support/builders.ts';

const rowOf = (rows: ReturnType<typeof costRows>, component: string) =>
  rows.find((row) => row.component === component)!;

describe('the cost benchmark: counts to dollars per million API requests', () => {
  it('given 1,000 requests that wrote 2,000 and read 3,000 units, when priced, then DynamoDB costs $1.25 and $0.375 per million', () => {
    const run = aMeasuredRun({ apiRequests: 1000, dynamoDb: { writeUnits: 2000, readUnits: 3000 } });

    const rows = costRows(run, prices);

    expect(rowOf(rows, 'DynamoDB writes').perMillionRequests).toBeCloseTo(1.25, 10);
    expect(rowOf(rows, 'DynamoDB reads').perMillionRequests).toBeCloseTo(0.375, 10);
    expect(rowOf(rows, 'DynamoDB writes').dollars).toBeCloseTo(0.00125, 10);
  });

  it('given Lambda, SQS and S3 counts, when priced, then each is its count times its price, per request', () => {
    const run = aMeasuredRun({
      apiRequests: 2000,
      lambda: { invocations: 3000, gbSeconds: 150 },
      sqs: { standard: 1000, fair: 500, fifo: 400 },
      s3: { writeRequests: 200, readRequests: 1000 },
    });

    const rows = costRows(run, prices);

    expect(rowOf(rows, 'Lambda requests').perMillionRequests).toBeCloseTo(0.3, 10);
    expect(rowOf(rows, 'Lambda duration (arm64)').perMillionRequests).toBeCloseTo(
      (150 * 0.0000133334 * 1e6) / 2000,
      10,
    );
    expect(rowOf(rows, 'SQS standard and fair queues').perMillionRequests).toBeCloseTo(0.3, 10);
    expect(rowOf(rows, 'SQS fair queue surcharge').perMillionRequests).toBeCloseTo(0.025, 10);
    expect(rowOf(rows, 'SQS FIFO queues').perMillionRequests).toBeCloseTo(0.1, 10);
    expect(rowOf(rows, 'S3 PUT/COPY/POST/LIST').perMillionRequests).toBeCloseTo(0.5, 10);
    expect(rowOf(rows, 'S3 GET and others').perMillionRequests).toBeCloseTo(0.2, 10);
  });

  it('given a run, when totalled by group, then the edge and the logs are apart from the components the target is read against', () => {
    const run = aMeasuredRun({
      apiRequests: 1_000_000,
      edge: { responseBytes: 1024 ** 3 },
      observability: { logBytes: 2 * 1024 ** 3, traces: 100_000 },
    });

    const rows = costRows(run, prices);

    expect(perMillion(rows, ['service'])).toBeCloseTo(1.0, 10); // API Gateway alone
    expect(perMillion(rows, ['edge'])).toBeCloseTo(1.0 + 0.085 + 0.6, 10);
    expect(perMillion(rows, ['observability'])).toBeCloseTo(2 * 0.5 + 0.5, 10);
  });

  it('given no API requests, when priced, then every row is 0 per million, never NaN', () => {
    const rows = costRows(aMeasuredRun({ apiRequests: 0, lambda: { invocations: 5, gbSeconds: 1 } }), prices);

    expect(rows.every((row) => row.perMillionRequests === 0)).toBe(true);
  });

  it("given rates of invocations, when X-Ray's default rule samples them, then the first each second and 5% of the rest", () => {
    expect(sampledShare(0.5)).toBe(1);
    expect(sampledShare(1)).toBe(1);
    expect(sampledShare(21)).toBeCloseTo(2 / 21, 10);
  });

  it('given durations and payloads, when billed, then Lambda rounds up to the millisecond and SQS counts 64 KB chunks', () => {
    expect(billedGbSeconds(10.2, 512)).toBeCloseTo(0.0055, 10);
    expect(billedSqsRequests(0)).toBe(1);
    expect(billedSqsRequests(64 * 1024)).toBe(1);
    expect(billedSqsRequests(64 * 1024 + 1)).toBe(2);
  });

  it('given a busy queue, when every batch is full, then one receive per batch and one delete per ten of its messages', () => {
    expect(pollerRequestsIfBatchesFull(100, 10)).toBe(10 + 10);
    expect(pollerRequestsIfBatchesFull(100, 5)).toBe(20 + 20);
    expect(pollerRequestsIfBatchesFull(3, 10)).toBe(1 + 1);
    expect(pollerRequestsIfBatchesFull(7, 1)).toBe(7 + 7);
  });

  it("given an invocation's time alone and its CPU part, when modelled at a memory, then only the CPU part stretches below one vCPU", () => {
    // 1,769 MB is one vCPU: 512 MB is 0.29 of one, so 10 ms of CPU take 34.6 ms; waiting takes what it took.
    expect(durationAtMemory(100, 10, 512)).toBeCloseTo(90 + (10 * 1769) / 512, 10);
    expect(durationAtMemory(100, 10, 2048)).toBe(100);
    expect(durationAtMemory(100, 0, 128)).toBe(100);
    // CPU time counted beyond the span (the process's, not the invocation's) is capped at the span.
    expect(durationAtMemory(10, 30, 1769)).toBe(10);
  });

  it('given the counts of a run, when the floor is priced, then each part is its count at its least price, per million requests', () => {
    const rows = floorRows(
      {
        apiRequests: 1000,
        apiGbSeconds: 30,
        adds: 100,
        itemsPerAddTransaction: 3,
        feedEntries: 2000,
        indexEntriesPerFeedEntry: 1,
      },
      prices,
    );
    const part = (start: string) => rows.find((row) => row.part.startsWith(start))!.perMillionRequests;

    expect(part('API Gateway')).toBeCloseTo(1.0, 10);
    expect(part('Lambda')).toBeCloseTo(0.2 + (30 * prices.lambdaArmGbSecond.dollars * 1e6) / 1000, 10);
    expect(part('DynamoDB: the rate limiter')).toBeCloseTo(0.125 + 0.625 / 4, 10);
    expect(part('DynamoDB: each add')).toBeCloseTo(0.1 * 3 * 2 * 0.625, 10);
    expect(part('DynamoDB: the feed entries')).toBeCloseTo(2 * 2 * 0.625, 10);
    expect(part('DynamoDB: each feed entry’s slot read')).toBeCloseTo(2 * 0.125, 10);
    expect(rows.filter((row) => row.news).map((row) => row.part)).toEqual([
      expect.stringMatching(/^DynamoDB: the feed entries/),
      expect.stringMatching(/^DynamoDB: each feed entry’s slot read/),
    ]);
  });
});
