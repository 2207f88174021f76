import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { userOf, withLogin } from '../sandbox-role.js';

describe('The sandbox login URL', () => {
  it('is the hub URL with user and password swapped, host, port, socket directory and options kept', () => {
    expect(withLogin('postgres://hub:secret@db.example.com:5433/aimass?sslmode=require', 'aimass_sql', 'p/w+x')).toBe(
      'postgres://aimass_sql:p%2Fw%2Bx@db.example.com:5433/aimass?sslmode=require',
    );
    expect(withLogin('postgresql://127.0.0.1/aimass', 'aimass_sql', 'x')).toBe('postgresql://aimass_sql:x@127.0.0.1/aimass');
    // The embedded server's form: a Unix socket directory in the query, no host (WHATWG URL refuses it, pg reads it).
    const socket = withLogin('postgres://hub:pw@/aimass?host=/data/socket', 'aimass_sql', 'p@ss');
    const client = new pg.Client({ connectionString: socket });
    expect([client.host, client.user, client.password, client.database]).toEqual(['/data/socket', 'aimass_sql', 'p@ss', 'aimass']);
  });

  it('names the user a URL logs in as', () => {
    expect(userOf('postgres://op%40x:pw@db/aimass')).toBe('op@x');
    expect(userOf('postgres://db/aimass')).toBe('');
  });
});
