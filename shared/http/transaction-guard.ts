import type { TransactionGuard } from '../transaction-guard.ts';
import type { ChargeInTransaction } from './admission.ts';
import type { HttpResponse } from './handler.ts';
import type { AnswerInTransaction } from './idempotency.ts';

/**
 * The gate's conditions on a request whose effects are one transaction (shared/transaction-guard.ts): the charge
 * of a credential this instance has verified (the credentials mark unchanged, the budget not spent) and the record
 * of an Idempotency-Key's answer, in this order, after the work's own items. What became of each is read by the
 * gate once the work is done (shared/http/handler.ts `inOneTransaction`).
 */
export class RequestGuard<Subject> implements TransactionGuard<Subject> {
  /** The charge committed with the work's transaction. */
  charged = false;
  /** The charge's item refused the transaction: its refusal is the answer. */
  refused = false;

  constructor(
    private readonly charge: ChargeInTransaction | undefined,
    private readonly record: AnswerInTransaction | undefined,
    private readonly answerOf: (subject: Subject) => HttpResponse,
  ) {}

  itemsFor(subject: Subject): unknown[] {
    return [
      ...(this.charge ? [this.charge.item()] : []),
      ...(this.record ? [this.record.itemFor(this.answerOf(subject))] : []),
    ];
  }

  settle(reasons: readonly unknown[] | undefined): 'again' | 'passed' {
    if (reasons === undefined) {
      this.charge?.settle(undefined);
      this.charged = this.charge !== undefined;
      this.record?.settle(undefined);
      return 'passed';
    }
    const [chargeReason, recordReason] = this.charge ? reasons : [undefined, reasons[0]];
    if (this.charge) {
      try {
        if (this.charge.settle(chargeReason as { Code?: string }) === 'again') return 'again';
      } catch (refusal) {
        this.refused = true;
        throw refusal;
      }
    }
    this.record?.settle(recordReason as { Code?: string });
    return 'passed';
  }
}
