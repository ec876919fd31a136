/**
 * Conditions that the layer around a request adds to the one transaction its work writes, so that both commit or
 * neither does: the HTTP gate's charge of the caller's rate item (the credential still live, the budget not
 * spent) and the record of an `Idempotency-Key`'s answer (shared/http/transaction-guard.ts builds it).
 *
 * It travels as a plain argument, from the route through the core to its store's port, rather than in a
 * request-scoped context: whoever reads a handler or a store sees which write carries it, a store cannot pick it
 * up by accident, and a unit test hands one in. A core passes it along unread; only the storage adapter that
 * writes the transaction opens it. Its items are DynamoDB TransactWriteItems in the document client's form, and
 * `settle` reads their cancellation reasons; they are typed `unknown` here so that cores and ports import nothing
 * of AWS.
 */
export interface TransactionGuard<Subject> {
  /** The guard's items, in order, for the transaction that writes `subject`. */
  itemsFor(subject: Subject): unknown[];
  /**
   * The outcome of the transaction for the guard's items: `undefined` when it committed, else their cancellation
   * reasons, in the order of `itemsFor`. Throws the refusal that then answers the request (the caller's credential
   * ended, the budget is spent, the answer was already given); 'again' when the transaction should be written
   * anew, with fresh `itemsFor`; 'passed' when the guard's items did not stop it (the store's own did).
   */
  settle(reasons: readonly unknown[] | undefined): 'again' | 'passed';
}
