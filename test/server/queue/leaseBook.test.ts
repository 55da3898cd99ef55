import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LeaseBook } from '../../../server/queue/leaseBook.js';

const job = (leaseId: string, id: string) => ({ leaseId, id });

describe('LeaseBook: which statement deletes a lease', () => {
  test('the statement that ends the last jobs of a lease deletes it, when no other statement touches it', () => {
    const book = new LeaseBook();
    book.hold(job('L1', '1'));
    book.hold(job('L1', '2'));
    book.hold(job('L2', '3'));
    const [first] = book.plan([[job('L1', '1'), job('L2', '3')]]);
    assert.deepEqual(first, { finished: ['L2'], kept: ['L1'] }, 'job 2 of L1 still runs');
    assert.deepEqual(book.renewable().sort(), ['L1', 'L2'], 'both touched by a statement in flight');
    book.settled(first!, true);
    assert.deepEqual(book.renewable(), ['L1']);
    const [second] = book.plan([[job('L1', '2')]]);
    assert.deepEqual(second, { finished: ['L1'], kept: [] }, 'the first statement on L1 has returned');
  });

  test('a lease whose last jobs end while another statement on it is in flight is dropped by a later flush', () => {
    const book = new LeaseBook();
    book.hold(job('L1', '1'));
    book.hold(job('L1', '2'));
    const [early] = book.plan([[job('L1', '1')]]);
    const [late] = book.plan([[job('L1', '2')]]);
    assert.deepEqual(late, { finished: [], kept: ['L1'] }, 'the early statement may still be waiting for a connection');
    book.settled(late!, true);
    assert.equal(book.hasDroppable, false, 'the early one is still in flight');
    book.settled(early!, true);
    assert.equal(book.hasDroppable, true);
    const [drop] = book.plan([[]]);
    assert.deepEqual(drop, { finished: ['L1'], kept: [] });
    book.settled(drop!, true);
    assert.equal(book.has('L1'), false);
  });

  test('two statements of one flush on the same lease both keep it', () => {
    const book = new LeaseBook();
    book.hold(job('L1', '1'));
    book.hold(job('L1', '2'));
    const plans = book.plan([[job('L1', '1')], [job('L1', '2')]]);
    assert.deepEqual(plans, [
      { finished: [], kept: ['L1'] },
      { finished: [], kept: ['L1'] },
    ]);
  });

  test('after a failed statement the lease is never deleted: it stops being renewed once nothing runs, and lapses', () => {
    const book = new LeaseBook();
    book.hold(job('L1', '1'));
    book.hold(job('L1', '2'));
    const [failing] = book.plan([[job('L1', '1')]]);
    book.settled(failing!, false);
    assert.deepEqual(book.renewable(), ['L1'], 'job 2 still runs: the lease must not lapse under it');
    const [last] = book.plan([[job('L1', '2')]]);
    assert.deepEqual(last, { finished: [], kept: ['L1'] });
    book.settled(last!, true);
    assert.deepEqual(book.renewable(), []);
    assert.equal(book.hasDroppable, false);
    assert.deepEqual(book.lapsing(), ['L1']);
    book.forget('L1');
    assert.deepEqual(book.lapsing(), []);
  });

  test('a failed statement that was to delete its lease leaves it to lapse', () => {
    const book = new LeaseBook();
    book.hold(job('L1', '1'));
    const [plan] = book.plan([[job('L1', '1')]]);
    assert.deepEqual(plan, { finished: ['L1'], kept: [] });
    book.settled(plan!, false);
    assert.deepEqual(book.lapsing(), ['L1']);
    assert.deepEqual(book.renewable(), []);
  });
});
