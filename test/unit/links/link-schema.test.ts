import { describe, expect, it } from 'vitest';
import { linkSchema, type Link } from '../../../shared/links/model.ts';
import { linkResponseSchema, toLinkResponse } from '../../../shared/links/schemas.ts';
import { linkFromItem, linkToItem } from '../../../shared/links/table.ts';
import { withCorrelationId } from '../../../shared/correlation.ts';
import { aLink } from '../../support/builders.ts';

/** linkSchema (model.ts) is the one declaration of a Link: the table's items and the API's Link derive from it. */

/** A link with every field of the schema set, optional ones included. */
const everyField: Link = aLink({
  username: 'alice',
  url: 'https://golang.org/',
  title: 'Golang',
  description: 'The Go language',
  tags: ['go', 'lang'],
  private: false,
  status: 'invalid',
  http_status: 404,
  checked_at: '2026-11-23T18:05:00.000Z',
  check_reason: 'HTTP 404',
  created_at: '2026-11-23T18:00:00.000Z',
  updated_at: '2026-11-23T18:01:00.000Z',
  published_at: '2026-11-23T18:00:30.000Z',
  version: 3,
  imported_by: 'mio5xk2a0f3c9b8e7d6a5b4c3',
  correlation_id: 'req-add-1234',
});

describe('the links table item: the link under its keys', () => {
  it('given a link with every field of the schema, when written as an item, then each field is an attribute of the same name beside the keys', () => {
    const item = linkToItem(everyField);

    expect(Object.keys(linkSchema.shape).every((field) => field in everyField)).toBe(true);
    expect(Object.keys(item).sort()).toEqual(
      [...Object.keys(linkSchema.shape), 'pk', 'sk', 'created', 'public_created'].sort(),
    );
    for (const field of Object.keys(linkSchema.shape) as (keyof Link)[]) {
      expect(item[field]).toEqual(everyField[field]);
    }
    expect(item.created).toMatch(/^2026-11-23T18:00:00\.000Z#/);
  });

  it('given a write under a correlation id, when the link is written as an item, then the item carries that id', () => {
    const item = withCorrelationId('req-update-5678', () => linkToItem(everyField));

    expect(item.correlation_id).toBe('req-update-5678');
  });

  it('given a public link, when written as an item, then it carries the byPublic sort key, ordered by publication', () => {
    const item = linkToItem(everyField);

    expect(item.public_created).toMatch(/^2026-11-23T18:00:30\.000Z#/);
  });

  it('given a private link, when written as an item, then it lacks the byPublic sort key and stays out of the index', () => {
    const { published_at: _published, ...rest } = everyField;
    const item: Record<string, unknown> = linkToItem({ ...rest, private: true });

    expect('public_created' in item).toBe(false);
  });

  it('given a link with every field, when written as an item and read back, then the same link, and its item again', () => {
    const read = linkFromItem(linkToItem(everyField));

    expect(read).toEqual(everyField);
    expect(linkToItem(read)).toEqual(linkToItem(everyField));
  });

  it('given a private link, when read back, then it has no published_at, as it was written', () => {
    const hidden = aLink({ private: true });

    expect('published_at' in hidden).toBe(false);
    expect(linkFromItem(linkToItem(hidden))).toEqual(hidden);
  });

  it('given an item written before title, tags, checks, versions and published_at existed, when read, then the link it was', () => {
    const { pk, sk, created } = linkToItem(everyField);
    const oldItem = {
      pk,
      sk,
      created,
      username: 'alice',
      url: 'https://golang.org/',
      status: 'pending',
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-02T00:00:00.000Z',
    };

    expect(linkFromItem(oldItem)).toEqual({
      username: 'alice',
      url: 'https://golang.org/',
      title: '',
      description: '',
      tags: [],
      private: false,
      status: 'pending',
      http_status: null,
      checked_at: null,
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-02T00:00:00.000Z',
      published_at: '2026-01-01T00:00:00.000Z',
      version: 1,
    });
  });
});

describe("the API's Link: the schema's projection of the link", () => {
  it('given a link, when shown, then exactly the response fields of the schema, in its order, each the link’s own value', () => {
    const shown = toLinkResponse(everyField);

    expect(Object.keys(shown)).toEqual(Object.keys(linkResponseSchema.shape));
    for (const [field, value] of Object.entries(shown)) {
      expect(value).toEqual(everyField[field as keyof Link]);
    }
  });

  it('given the schema, then the response leaves out only what the service keeps to itself', () => {
    const hidden = Object.keys(linkSchema.shape).filter((field) => !(field in linkResponseSchema.shape));

    expect(hidden).toEqual([
      'username',
      'check_reason',
      'published_at',
      'version',
      'imported_by',
      'correlation_id',
    ]);
  });

  it('given a link, when serialized, then the bytes the contract has always carried', () => {
    expect(JSON.stringify(toLinkResponse(everyField))).toBe(
      '{"url":"https://golang.org/","title":"Golang","description":"The Go language","tags":["go","lang"],' +
        '"private":false,"status":"invalid","http_status":404,"checked_at":"2026-11-23T18:05:00.000Z",' +
        '"created_at":"2026-11-23T18:00:00.000Z","updated_at":"2026-11-23T18:01:00.000Z"}',
    );
  });
});
