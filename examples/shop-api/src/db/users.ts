import { pool, queryOne, type Queryable } from './pool';

export type Role = 'customer' | 'staff' | 'admin';

export interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  role: Role;
  created_at: Date;
  last_login_at: Date | null;
}

export type PublicUser = Omit<UserRow, 'password_hash'>;

export function toPublicUser({ password_hash: _hash, ...user }: UserRow): PublicUser {
  return user;
}

export function findUserByEmail(email: string, db: Queryable = pool): Promise<UserRow | null> {
  return queryOne<UserRow>(
    db,
    `SELECT id, email, password_hash, role, created_at, last_login_at
       FROM users
      WHERE lower(email) = lower($1)`,
    [email],
  );
}

export function findUserById(id: string, db: Queryable = pool): Promise<UserRow | null> {
  return queryOne<UserRow>(
    db,
    `SELECT id, email, password_hash, role, created_at, last_login_at
       FROM users
      WHERE id = $1`,
    [id],
  );
}

export async function createUser(
  input: { email: string; passwordHash: string; role?: Role },
  db: Queryable = pool,
): Promise<UserRow> {
  const { rows } = await db.query<UserRow>(
    `INSERT INTO users (email, password_hash, role)
     VALUES ($1, $2, $3)
     RETURNING id, email, password_hash, role, created_at, last_login_at`,
    [input.email, input.passwordHash, input.role ?? 'customer'],
  );
  return rows[0];
}

export async function recordLogin(id: string, db: Queryable = pool): Promise<void> {
  await db.query('UPDATE users SET last_login_at = now() WHERE id = $1', [id]);
}

export async function updatePasswordHash(id: string, passwordHash: string, db: Queryable = pool): Promise<void> {
  await db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [id, passwordHash]);
}
