import { aws_dynamodb as dynamodb } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { tables, type AttributeType, type TableDeclaration, type TableName } from '../shared/wiring.ts';
import type { StageSettings } from './stage.ts';

const ATTRIBUTE_TYPES: Record<AttributeType, dynamodb.AttributeType> = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
};

/**
 * The DynamoDB tables, one per declared table in the wiring, created exactly as declared (keys, indexes,
 * stream, TTL): the local runtime builds its DynamoDB Local tables from the same declaration.
 */
export class Tables extends Construct {
  readonly byName: Record<TableName, dynamodb.Table>;

  constructor(scope: Construct, id: string, settings: StageSettings) {
    super(scope, id);
    const entries = (Object.entries(tables) as [TableName, TableDeclaration][]).map(
      ([name, declaration]) => [name, this.table(name, declaration, settings)] as const,
    );
    this.byName = Object.fromEntries(entries) as Record<TableName, dynamodb.Table>;
  }

  private table(name: TableName, declaration: TableDeclaration, settings: StageSettings): dynamodb.Table {
    const table = new dynamodb.Table(this, name, {
      partitionKey: key(declaration.partitionKey),
      sortKey: key(declaration.sortKey),
      // On-demand: traffic is spiky and small; no capacity to plan or pay for while idle.
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // AWS-managed key: encrypted at rest without a customer key to administer, and no KMS grants needed.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      ...(declaration.stream ? { stream: dynamodb.StreamViewType[declaration.stream] } : {}),
      ...(declaration.ttlAttribute ? { timeToLiveAttribute: declaration.ttlAttribute } : {}),
      removalPolicy: settings.removalPolicy,
      deletionProtection: settings.deletionProtection,
    });
    for (const index of declaration.localIndexes) {
      table.addLocalSecondaryIndex({
        indexName: index.name,
        sortKey: key(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    for (const index of declaration.globalIndexes ?? []) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        sortKey: key(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    return table;
  }
}

function key(declaration: { name: string; type: AttributeType }): dynamodb.Attribute {
  return { name: declaration.name, type: ATTRIBUTE_TYPES[declaration.type] };
}
