import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoImportStore } from '../../../shared/imports/dynamodb.ts';
import { importKey } from '../../../shared/imports/table.ts';
import { anImport } from '../../support/builders.ts';
import { conditionFailed, useMockedDynamo } from '../support/dynamo.ts';

const { dynamo, db } = useMockedDynamo();
const TABLE = 'imports';
const store = () => new DynamoImportStore(TABLE, db);

describe('DynamoImportStore: import records in their owner partition', () => {
  it('given a new import, when created, then it is put under its keys only if absent', async () => {
    const record = anImport();

    await store().create(record);

    const input = dynamo.commandCalls(PutCommand)[0]!.args[0].input;
    expect(input.Item).toEqual({ ...importKey('alice', record.import_id), ...record });
    expect(input.ConditionExpression).toBe('attribute_not_exists(pk)');
  });

  it('given a stored import, when read, then a consistent GetItem answers the record without its keys', async () => {
    const record = anImport({ status: 'done', total: 3, imported: 3 });
    dynamo.on(GetCommand).resolves({ Item: { ...importKey('alice', record.import_id), ...record } });

    expect(await store().get('alice', record.import_id)).toEqual(record);
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input.ConsistentRead).toBe(true);
  });

  it('given no such import, when read, then undefined', async () => {
    dynamo.on(GetCommand).resolves({});

    expect(await store().get('alice', anImport().import_id)).toBeUndefined();
  });

  it('given a user, when their imports are listed, then one Query of their imports, newest first, bounded', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    await store().newestFirst('alice', 100);

    const input = dynamo.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ ScanIndexForward: false, Limit: 100 });
    expect(input.ExpressionAttributeValues).toEqual({
      ':pk': importKey('alice', 'x').pk,
      ':prefix': 'IMPORT#',
    });
  });

  it('given the record still where the worker read it, when advanced, then written over that status and checkpoint', async () => {
    const previous = anImport({ status: 'running', checkpoint: 50 });
    const next = { ...previous, checkpoint: 100, imported: 100 };

    expect(await store().advance(next, previous)).toBe(true);

    const input = dynamo.commandCalls(PutCommand)[0]!.args[0].input;
    expect(input.Item).toMatchObject({ checkpoint: 100, imported: 100 });
    expect(input.ExpressionAttributeValues).toEqual({ ':status': 'running', ':checkpoint': 50 });
  });

  it('given another delivery advanced it first, when advanced, then false and no error', async () => {
    dynamo.on(PutCommand).rejects(conditionFailed());
    const previous = anImport({ status: 'running', checkpoint: 50 });

    expect(await store().advance({ ...previous, checkpoint: 100 }, previous)).toBe(false);
  });

  it('given a user with more import records than a chunk, when erased a chunk at a time, then each chunk deletes what one consistent read found and says whether more is left', async () => {
    const keys = Array.from({ length: 3 }, (_, i) => importKey('alice', `id${i}`));
    dynamo.on(QueryCommand).resolvesOnce({ Items: keys, LastEvaluatedKey: keys[2] }).resolves({ Items: [] });
    dynamo.on(BatchWriteCommand).resolves({});

    expect(await store().deleteChunkOf('alice')).toBe(false);
    expect(await store().deleteChunkOf('alice')).toBe(true);

    const query = dynamo.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(query).toMatchObject({ ConsistentRead: true, ProjectionExpression: 'pk, sk' });
    const deleted = dynamo
      .commandCalls(BatchWriteCommand)
      .flatMap((call) =>
        call.args[0].input.RequestItems![TABLE]!.map((request) => request.DeleteRequest!.Key),
      );
    expect(deleted).toEqual(keys);
  });
});
