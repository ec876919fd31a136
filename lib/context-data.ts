import { aws_dynamodb as dynamodb, aws_s3 as s3 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { buckets, tables, type BucketName, type TableName } from '../shared/wiring.ts';
import { createBucket, physicalBucketName } from './buckets.ts';
import type { BoundedContext } from './contexts.ts';
import type { StageSettings } from './stage.ts';
import { createTable } from './tables.ts';

/**
 * A bounded context's state: the tables and buckets it owns (lib/contexts.ts), as the wiring declares them.
 * Lives in the stateful stack.
 */
export class ContextData extends Construct {
  readonly tables: Partial<Record<TableName, dynamodb.Table>> = {};
  readonly buckets: Partial<Record<BucketName, s3.Bucket>> = {};

  constructor(scope: Construct, context: BoundedContext, settings: StageSettings) {
    super(scope, context.id);
    for (const table of context.tables) {
      this.tables[table] = createTable(this, `${table}Table`, tables[table], settings);
    }
    for (const bucket of context.buckets) {
      this.buckets[bucket] = createBucket(
        this,
        `${bucket}Bucket`,
        physicalBucketName(settings.stage, bucket),
        buckets[bucket],
        settings,
      );
    }
  }
}
