import { randomUUID } from 'node:crypto';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import { config } from '../config';
import type { Role } from '../db/users';

export interface AccessClaims {
  sub: string;
  email: string;
  role: Role;
  typ: 'access';
}

export interface RefreshClaims {
  sub: string;
  jti: string;
  typ: 'refresh';
  exp: number;
}

export class TokenError extends Error {}

export function signAccessToken(user: { id: string; email: string; role: Role }): string {
  return jwt.sign({ email: user.email, role: user.role, typ: 'access' }, config.JWT_SECRET, {
    algorithm: 'HS256',
    subject: String(user.id),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    expiresIn: config.JWT_ACCESS_TTL,
  });
}

export function signRefreshToken(userId: string): string {
  return jwt.sign({ typ: 'refresh' }, config.JWT_SECRET, {
    algorithm: 'HS256',
    subject: String(userId),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    expiresIn: config.JWT_REFRESH_TTL,
    jwtid: randomUUID(),
  });
}

export function verifyAccessToken(token: string): AccessClaims {
  let payload: string | JwtPayload;
  try {
    payload = jwt.verify(token, config.JWT_SECRET, {
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
    });
  } catch (err) {
    throw new TokenError(err instanceof Error ? err.message : 'invalid token');
  }
  if (typeof payload === 'string' || payload.typ !== 'access' || !payload.sub) {
    throw new TokenError('not an access token');
  }
  return {
    sub: payload.sub,
    email: String(payload.email),
    role: payload.role as Role,
    typ: 'access',
  };
}

export function readRefreshToken(token: string): RefreshClaims {
  const payload = jwt.decode(token);
  if (!payload || typeof payload === 'string') {
    throw new TokenError('malformed refresh token');
  }
  if (payload.typ !== 'refresh' || !payload.sub || !payload.jti) {
    throw new TokenError('not a refresh token');
  }
  if (!payload.exp || payload.exp * 1000 < Date.now()) {
    throw new TokenError('refresh token expired');
  }
  return { sub: payload.sub, jti: payload.jti, typ: 'refresh', exp: payload.exp };
}
