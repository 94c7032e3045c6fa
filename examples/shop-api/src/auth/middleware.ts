import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role } from '../db/users';
import { forbidden, unauthorized } from '../http/errors';
import { TokenError, verifyAccessToken } from './jwt';

export type Permission =
  | 'products:write'
  | 'orders:read:any'
  | 'orders:refund'
  | 'users:manage';

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  customer: [],
  staff: ['products:write', 'orders:read:any'],
  admin: ['products:write', 'orders:read:any', 'orders:refund', 'users:manage'],
};

export interface AuthUser {
  id: string;
  email: string;
  role: Role;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      user?: AuthUser;
    }
  }
}

export type AuthedRequest = Request & { user: AuthUser };

function bearerToken(req: Request): string | null {
  const header = req.header('authorization');
  if (!header) return null;
  const [scheme, token] = header.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token) return null;
  return token;
}

export const requireAuth: RequestHandler = (req, _res, next) => {
  const token = bearerToken(req);
  if (!token) {
    next(unauthorized());
    return;
  }
  try {
    const claims = verifyAccessToken(token);
    req.user = { id: claims.sub, email: claims.email, role: claims.role };
    next();
  } catch (err) {
    next(err instanceof TokenError ? unauthorized('Invalid or expired token') : err);
  }
};

export function hasPermission(user: AuthUser | undefined, permission: Permission): boolean {
  if (!user) return false;
  return ROLE_PERMISSIONS[user.role]?.includes(permission) ?? false;
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.user) return next(unauthorized());
    if (!roles.includes(req.user.role)) return next(forbidden());
    next();
  };
}

export function requirePermission(permission: Permission): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.user) return next(unauthorized());
    if (!hasPermission(req.user, permission)) return next(forbidden());
    next();
  };
}
