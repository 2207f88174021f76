/**
 * Users and sessions: sign up, log in, log out, and turning a bearer token into a Principal.
 */
import type { DataSource } from 'typeorm';
import type { Config } from '../config.js';
import type { Signals } from '../db/signals.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { AppError, conflict, notFound, unauthenticated } from '../errors.js';
import { ApiKey } from './api-key.entity.js';
import type { LoginLimiter } from './login-limiter.js';
import type { SignupLimiter } from './signup-limiter.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password.js';
import { requireKeyAccess, type KeyAccess } from './key-access.js';
import type { Principal } from './principal.js';
import { Session } from './session.entity.js';
import { hashToken, issueToken, tokenKind } from './tokens.js';
import { User } from './user.entity.js';
import { checks } from '../validation/checks.js';

export interface SignUpInput {
  username: string;
  email: string;
  password: string;
  displayName?: string | null;
}

export interface ClientInfo {
  ip: string;
  userAgent?: string;
}

export interface LoginResult {
  token: string;
  user: User;
  expiresAt: Date;
}

export class AccountsService {
  constructor(
    private readonly db: DataSource,
    private readonly config: Pick<Config, 'sessionTtlSeconds'>,
    private readonly limiter: LoginLimiter,
    private readonly signals: Pick<Signals, 'emit'>,
    private readonly signupLimiter: SignupLimiter,
  ) {}

  async signUp(input: SignUpInput, client: ClientInfo): Promise<LoginResult> {
    await this.signupLimiter.take(client.ip);
    const displayName = input.displayName?.trim() || input.username;
    checks()
      .handle('username', input.username)
      .email('email', input.email)
      .password('password', input.password)
      .text('displayName', displayName, { max: 100 })
      .throwIfAny();
    const passwordHash = await hashPassword(input.password);
    const user = await this.db.transaction(async (tx) => {
      try {
        await tx.query(`INSERT INTO handles (handle_lower, kind) VALUES ($1, 'user')`, [input.username.toLowerCase()]);
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict('This username is taken', 'username');
        throw error;
      }
      try {
        return await tx.getRepository(User).save(
          tx.getRepository(User).create({ username: input.username, email: input.email, displayName, passwordHash }),
        );
      } catch (error) {
        if (isUniqueViolation(error, 'users_email_lower')) throw conflict('An account with this email exists', 'email');
        throw error;
      }
    });
    return this.startSession(user, client);
  }

  /** Logs in by username or email. The same error answers an unknown user and a wrong password. */
  async logIn(login: string, password: string, client: ClientInfo): Promise<LoginResult> {
    const key = login.trim().toLowerCase().slice(0, 254);
    await this.limiter.check(key, client.ip);
    const user = await this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .where('lower(u.username) = :key OR lower(u.email) = :key', { key })
      .getOne();
    const ok = user?.passwordHash
      ? await verifyPassword(password, user.passwordHash)
      : (await verifyPassword(password, await dummyPasswordHash()), false);
    await this.limiter.record(key, client.ip, ok);
    if (!ok || !user) throw new AppError('UNAUTHENTICATED', 'Wrong username or password');
    return this.startSession(user, client);
  }

  private async startSession(user: User, client: ClientInfo): Promise<LoginResult> {
    const { token, hash } = issueToken('ams');
    const expiresAt = new Date(Date.now() + this.config.sessionTtlSeconds * 1000);
    await this.db.getRepository(Session).insert({
      userId: user.id,
      tokenHash: hash,
      expiresAt,
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 500) ?? null,
    });
    return { token, user, expiresAt };
  }

  /** Ends the session the caller used; API keys are revoked separately. */
  async logOut(principal: Principal): Promise<void> {
    if (principal.via !== 'session') throw new AppError('BAD_USER_INPUT', 'Log out ends a session; revoke an API key with revokeApiKey');
    await this.db.getRepository(Session).update({ id: principal.credentialId }, { revokedAt: new Date() });
    this.signals.emit('credentialRevoked', { credentialId: principal.credentialId });
  }

  /** Of these sessions and API keys, the ids of those still valid (not ended, revoked or expired). */
  async liveCredentials(credentials: readonly Pick<Principal, 'via' | 'credentialId'>[]): Promise<Set<string>> {
    const ids = (via: Principal['via']) => credentials.filter((c) => c.via === via).map((c) => c.credentialId);
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM sessions WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL AND expires_at > now()
       UNION ALL
       SELECT id FROM api_keys WHERE id = ANY($2::uuid[]) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [ids('session'), ids('apiKey')],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** Throws FORBIDDEN naming what is missing when an API key may not reach something declared `access` (http/route-access.ts). */
  requireKeyAccess(principal: Principal, access: KeyAccess): void {
    requireKeyAccess(principal, access);
  }

  /**
   * Resolves a bearer token (session or API key) to a Principal. A token that is unknown,
   * expired or revoked is UNAUTHENTICATED: a client that sent credentials wants to know they failed.
   */
  async authenticate(token: string): Promise<Principal> {
    const kind = tokenKind(token);
    const hash = hashToken(token);
    if (kind === 'ams') {
      const row = await this.db.query(
        `SELECT s.id AS session_id, u.* FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()`,
        [hash],
      );
      if (row.length === 1) return { user: this.userFromRow(row[0]), via: 'session', credentialId: row[0].session_id, scopes: 'all' };
      throw unauthenticated('Your session has expired or was ended; log in again');
    }
    if (kind === 'amk') {
      const key = await this.db
        .getRepository(ApiKey)
        .createQueryBuilder('k')
        .where('k.tokenHash = :hash AND k.revokedAt IS NULL AND (k.expiresAt IS NULL OR k.expiresAt > now())', { hash })
        .getOne();
      if (key) {
        const user = await this.db.getRepository(User).findOneByOrFail({ id: key.userId });
        // last_used_at is advisory: a minute's resolution keeps it from writing on every request.
        await this.db.query(
          `UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
          [key.id],
        );
        return {
          user,
          via: 'apiKey',
          credentialId: key.id,
          scopes: new Set(key.scopes),
          keyLimits: { requestsPerSecond: key.requestsPerSecond, dailyRequests: key.dailyRequests },
        };
      }
      throw unauthenticated('This API key is unknown, expired or revoked');
    }
    throw unauthenticated('Unrecognised credential: send "Authorization: Bearer <session token or API key>"');
  }

  private userFromRow(row: Record<string, unknown>): User {
    return this.db.getRepository(User).create({
      id: row.id as string,
      username: row.username as string,
      email: row.email as string,
      displayName: row.display_name as string,
      passwordHash: row.password_hash as string | null,
      isAdmin: row.is_admin as boolean,
      isSystem: row.is_system as boolean,
      createdAt: row.created_at as Date,
    });
  }

  async userByUsername(username: string): Promise<User> {
    const user = await this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .where('lower(u.username) = lower(:username)', { username })
      .andWhere('u.isSystem = false')
      .getOne();
    if (!user) throw notFound('User');
    return user;
  }

  async usersByIds(ids: readonly string[]): Promise<User[]> {
    if (ids.length === 0) return [];
    return this.db.getRepository(User).createQueryBuilder('u').where('u.id IN (:...ids)', { ids }).getMany();
  }

  /**
   * The owner of the agent `npm start` runs beside the hub: a system user that cannot log in.
   * Created once; reused on every start.
   */
  async ensureSystemUser(username: string): Promise<User> {
    const repo = this.db.getRepository(User);
    // Only a system row counts: the name must be a reserved handle, which sign-up refuses.
    const existing = await repo
      .createQueryBuilder('u')
      .where('lower(u.username) = lower(:username) AND u.isSystem = true', { username })
      .getOne();
    if (existing) return existing;
    return this.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO handles (handle_lower, kind) VALUES ($1, 'user') `, [username.toLowerCase()]);
      return tx.getRepository(User).save(
        tx.getRepository(User).create({ username, email: `${username}@localhost.invalid`, displayName: 'This machine', passwordHash: null, isSystem: true }),
      );
    });
  }

  /** Deletes sessions that expired or were revoked more than a day ago. */
  async sweepSessions(): Promise<number> {
    const result = await this.db.query(
      `DELETE FROM sessions WHERE expires_at < now() - interval '1 day' OR revoked_at < now() - interval '1 day'`,
    );
    return result[1] ?? 0;
  }
}
