import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeenKeys } from '../src/pipeline/seen-keys.js';

describe('SeenKeys', () => {
  it('answers as a Set of the same strings does, across growth', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 3000 }),
        fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 200 }),
        (added, probes) => {
          const keys = new SeenKeys();
          const set = new Set<string>();
          for (const k of added) {
            // add says whether the key is new, as Set.has would before adding.
            expect(keys.add(k)).toBe(!set.has(k));
            set.add(k);
          }
          expect(keys.size).toBe(set.size);
          for (const k of [...added, ...probes]) expect(keys.has(k)).toBe(set.has(k));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('takes a key in two parts as the parts joined by U+0000', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })), { maxLength: 300 }),
        fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })), { maxLength: 50 }),
        (added, probes) => {
          const parts = new SeenKeys();
          const joined = new SeenKeys();
          for (const [a, b] of added) {
            parts.add(a, b);
            joined.add(`${a}\u0000${b}`);
          }
          for (const [a, b] of [...added, ...probes]) {
            expect(parts.has(a, b)).toBe(joined.has(`${a}\u0000${b}`));
            expect(joined.has(a, b)).toBe(parts.has(`${a}\u0000${b}`));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('tells apart a million keys shaped like Claude Code ids', () => {
    const keys = new SeenKeys();
    const id = (i: number) =>
      `msg_01${i.toString(36).padStart(22, 'x')}\u0000req_011C${(i * 7919).toString(36)}`;
    for (let i = 0; i < 1_000_000; i++) keys.add(id(i));
    expect(keys.size).toBe(1_000_000);
    let falseHits = 0;
    for (let i = 1_000_000; i < 1_200_000; i++) if (keys.has(id(i))) falseHits++;
    expect(falseHits).toBe(0);
    expect(keys.has(id(123_456))).toBe(true);
  });
});
