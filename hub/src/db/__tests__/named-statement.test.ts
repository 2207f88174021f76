import { describe, expect, it } from 'vitest';
import { MAX_NAMED, reusableStatement, useNamedStatements } from '../named-statement.js';

const db = () => ({ query: async () => [] });

describe('Named statements', () => {
  it('sends the text as is on a database that was not allowed named statements (PGlite)', () => {
    expect(reusableStatement(db(), 'SELECT 1')).toBe('SELECT 1');
  });

  it('names one text the same every time, and two texts differently', () => {
    const allowed = db();
    useNamedStatements(allowed);
    const a = reusableStatement(allowed, 'SELECT 2') as unknown as { name: string; text: string };
    const b = reusableStatement(allowed, 'SELECT 3') as unknown as { name: string; text: string };
    expect(a).toEqual({ name: expect.stringMatching(/^aimass_[0-9a-f]{32}$/), text: 'SELECT 2' });
    expect(reusableStatement(allowed, 'SELECT 2')).toBe(a);
    expect(b.name).not.toBe(a.name);
  });

  it(`names at most ${MAX_NAMED} texts; later ones go unnamed`, () => {
    const allowed = db();
    useNamedStatements(allowed);
    for (let i = 0; i < MAX_NAMED + 10; i++) reusableStatement(allowed, `SELECT ${i} AS bounded`);
    expect(reusableStatement(allowed, 'SELECT -1 AS past_the_bound')).toBe('SELECT -1 AS past_the_bound');
    expect(typeof reusableStatement(allowed, 'SELECT 2')).toBe('object');
  });
});
