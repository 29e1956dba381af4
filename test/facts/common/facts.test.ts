import type * as DomainGen from '../../../src/facts/generated/domain';
import type * as GuestGen from '../../../src/facts/generated/guest';
import type * as HostGen from '../../../src/facts/generated/host';
import { problemFact, type Located, type ProblemFact } from '../../../src/facts/common/facts';

/** A compile error (npm run typecheck) when A and B are not the same shape. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <T extends true>(): T => true as T;

describe('the shared fact shapes', () => {
  it('every generated copy of Located / ProblemFact is the shape src/facts/common/facts.ts declares', () => {
    expect([
      same<Same<DomainGen.Located, Located>>(),
      same<Same<GuestGen.Located, Located>>(),
      same<Same<HostGen.Located, Located>>(),
      same<Same<HostGen.PLocated, Located>>(),
      same<Same<GuestGen.ProblemFact, ProblemFact>>(),
      same<Same<HostGen.PlatformProblemFact, ProblemFact>>(),
      same<Same<HostGen.ProblemFact, ProblemFact & { file: string }>>(),
    ]).toEqual([true, true, true, true, true, true, true]);
  });

  it('problemFact keys a problem by code and place', () => {
    const fallback = { file: '/etc/f', line: 1, column: 1 };
    const p = { code: 'x.bad', level: 'error' as const, message: 'bad', location: { file: '/etc/f', line: 3, column: 7 } };
    expect(problemFact(p, fallback)).toEqual({ code: 'x.bad', level: 'error', message: 'bad', loc: p.location, key: 'x.bad@/etc/f:3:7' });
    expect(problemFact(p, fallback, { keyColumn: false }).key).toBe('x.bad@/etc/f:3');
    expect(problemFact({ ...p, location: undefined }, fallback).loc).toBe(fallback);
  });
});
