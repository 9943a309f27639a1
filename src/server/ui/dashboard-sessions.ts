import { createHash, randomBytes } from 'node:crypto';

/** How long a dashboard login lasts; a fixed lifetime, not extended by use. */
export const DASHBOARD_SESSION_TTL_MS = 8 * 3_600_000;
/** Sessions kept at once; the oldest is dropped past this, so a login loop cannot grow memory. */
const MAX_SESSIONS = 1_000;

interface Session {
  expiresAt: number;
  /** Digest of the admin key the session was opened with: a new key (reload) ends old sessions. */
  keyFingerprint: string;
}

/** SHA-256 of a secret, hex; sessions store digests, never a token or the admin key itself. */
export function secretFingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * Dashboard sessions, in memory: a random 256-bit token per login, kept as its digest with an
 * expiry and the fingerprint of the admin key it was opened with. In memory on purpose: a restart
 * signs everyone out, and there is nothing to leak from a database. Each replica has its own, so a
 * load balancer in front of several needs sticky sessions (or a login per replica).
 */
export class DashboardSessions {
  readonly #sessions = new Map<string, Session>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: { ttlMs?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? DASHBOARD_SESSION_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Opens a session; the token goes into the cookie and is not kept. */
  create(keyFingerprint: string): { token: string; expiresAt: number } {
    this.#sweep();
    while (this.#sessions.size >= MAX_SESSIONS) {
      const oldest = this.#sessions.keys().next();
      if (oldest.done) break;
      this.#sessions.delete(oldest.value);
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = this.#now() + this.#ttlMs;
    this.#sessions.set(secretFingerprint(token), { expiresAt, keyFingerprint });
    return { token, expiresAt };
  }

  /** The session's expiry when the token is live and was opened with this admin key. */
  verify(token: string | undefined, keyFingerprint: string): number | undefined {
    if (token === undefined || token === '') return undefined;
    const id = secretFingerprint(token);
    const session = this.#sessions.get(id);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.#now() || session.keyFingerprint !== keyFingerprint) {
      this.#sessions.delete(id);
      return undefined;
    }
    return session.expiresAt;
  }

  revoke(token: string | undefined): void {
    if (token !== undefined) this.#sessions.delete(secretFingerprint(token));
  }

  #sweep(): void {
    const now = this.#now();
    for (const [id, session] of this.#sessions) if (session.expiresAt <= now) this.#sessions.delete(id);
  }
}
