import bcrypt from 'bcrypt';
import { config } from '../config';

// bcrypt only looks at the first 72 bytes; longer inputs would silently share a hash.
const MAX_PASSWORD_BYTES = 72;
const MIN_PASSWORD_LENGTH = 10;

// Compared against when the email is unknown, so a miss costs as much time as a hit.
const DUMMY_HASH = bcrypt.hashSync('not-a-real-password-for-timing-only', 10);

export function passwordPolicyProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `Password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  }
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    return `Password must be at most ${MAX_PASSWORD_BYTES} bytes`;
  }
  if (!/[a-zA-Z]/.test(password) || !/[0-9]/.test(password)) {
    return 'Password must contain letters and digits';
  }
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, config.BCRYPT_ROUNDS);
}

export async function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  if (!hash) {
    await bcrypt.compare(password, DUMMY_HASH);
    return false;
  }
  return bcrypt.compare(password, hash);
}

/** True when the stored hash was made with fewer rounds than we now require. */
export function needsRehash(hash: string): boolean {
  return bcrypt.getRounds(hash) < config.BCRYPT_ROUNDS;
}
