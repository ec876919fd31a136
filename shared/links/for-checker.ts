import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CheckedLinks, StaleLinks } from '../checker/ports.ts';
import { documentClient, type DocumentClient } from '../aws/dynamodb.ts';
import { requiredEnv } from '../config.ts';
import { Unavailable } from '../errors.ts';
import type { LinkCheckRecord, LinkRef, RecordCheckResult, StaleLinkQuery } from './checks.ts';
import type { Link } from './model.ts';
import { LINK_PREFIX, linkFromItem, linkKey } from './table.ts';

/**
 * The links as the link checker reads and records them (its CheckedLinks and StaleLinks ports), on the links
 * table (table.ts). Its writes stay within the checker's grant: the attributes of shared/links/checks.ts.
 */
export class LinksForChecker implements CheckedLinks, StaleLinks {
  constructor(
    private readonly tableName: string = requiredEnv('LINKS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

  /** The link, read consistently; the snapshot route also asks it whether the caller owns the link. */
  async get(username: string, url: string): Promise<Link | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: linkKey(username, url), ConsistentRead: true }),
    );
    return Item ? linkFromItem(Item) : undefined;
  }

  /**
   * Writes a link check's result: status, http_status, checked_at and check_reason, and the title when one is
   * given and the link's title is still empty. Conditional, so that it never resurrects a deleted link
   * (`attribute_exists(pk)`) and never replaces a later check (checked_at is absent, NULL, or earlier).
   * updated_at stays as it is: a check is not the user's change. `version` is bumped, so that an update that
   * read the link before the check fails its own condition and reapplies itself on the fresh item instead of
   * putting the old status back.
   */
  async recordCheck(username: string, url: string, record: LinkCheckRecord): Promise<RecordCheckResult> {
    if (record.title) {
      const withTitle = await this.tryRecordCheck(username, url, record, true);
      if (withTitle !== 'title taken') return withTitle;
    }
    const result = await this.tryRecordCheck(username, url, record, false);
    if (result === 'title taken') throw new Error('unreachable: no title condition');
    return result;
  }

  private async tryRecordCheck(
    username: string,
    url: string,
    record: LinkCheckRecord,
    fillTitle: boolean,
  ): Promise<RecordCheckResult | 'title taken'> {
    const sets = [
      '#status = :status',
      'http_status = :http',
      'checked_at = :at',
      'check_reason = :reason',
      'version = if_not_exists(version, :one) + :one',
    ];
    const conditions = [
      'attribute_exists(pk)',
      '(attribute_not_exists(checked_at) OR attribute_type(checked_at, :null) OR checked_at < :at)',
    ];
    const values: Record<string, unknown> = {
      ':status': record.status,
      ':http': record.httpStatus,
      ':at': record.checkedAt,
      ':reason': record.reason,
      ':one': 1,
      ':null': 'NULL',
    };
    if (fillTitle) {
      sets.push('title = :title');
      conditions.push('(attribute_not_exists(title) OR title = :empty)');
      values[':title'] = record.title;
      values[':empty'] = '';
    }
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: linkKey(username, url),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
          // No ReturnValuesOnConditionCheckFailure: the checker may update only the check's attributes
          // (LINK_CHECK_ATTRIBUTES, its IAM grant), and the whole old item would be more than those.
        }),
      );
      return { written: true, titleFilled: fillTitle };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Which condition failed: the item as it is now.
      const { Item: item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: linkKey(username, url), ConsistentRead: true }),
      );
      if (!item) return { written: false, why: 'gone' };
      if (typeof item.checked_at === 'string' && item.checked_at >= record.checkedAt) {
        return { written: false, why: 'superseded' };
      }
      if (fillTitle) return 'title taken';
      // Neither gone nor superseded, yet refused: it changed between the write and the read; a retry decides.
      throw new Unavailable('The link changed while its check was being recorded; try again.');
    }
  }

  /**
   * Links due for a check, a page at a time: checked before `checkedBefore`, or never checked and created
   * before `uncheckedCreatedBefore`. A Scan (filtered, projecting only the keys a check needs): it runs once a
   * day from the schedule, and no index is worth keeping for it.
   */
  async *staleLinks(query: StaleLinkQuery): AsyncIterable<LinkRef[]> {
    const pages = paginateScan(
      { client: this.db, pageSize: 500 },
      {
        TableName: this.tableName,
        FilterExpression:
          'begins_with(sk, :prefix) AND (checked_at < :checkedBefore OR ' +
          '((attribute_not_exists(checked_at) OR attribute_type(checked_at, :null)) AND created_at < :createdBefore))',
        ExpressionAttributeValues: {
          ':prefix': LINK_PREFIX,
          ':checkedBefore': query.checkedBefore,
          ':createdBefore': query.uncheckedCreatedBefore,
          ':null': 'NULL',
        },
        // SPECIFIC_ATTRIBUTES, as the re-check's grant requires: it may see only STALE_LINK_SCAN_ATTRIBUTES.
        Select: 'SPECIFIC_ATTRIBUTES',
        ProjectionExpression: 'username, #url',
        ExpressionAttributeNames: { '#url': 'url' },
      },
    );
    for await (const page of pages) {
      const links = (page.Items ?? []).map((item) => ({
        username: item.username as string,
        url: item.url as string,
      }));
      if (links.length > 0) yield links;
    }
  }
}
