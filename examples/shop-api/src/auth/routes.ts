import { Router } from 'express';
import { z } from 'zod';
import { createUser, findUserByEmail, findUserById, recordLogin, toPublicUser, updatePasswordHash } from '../db/users';
import { asyncHandler, badRequest, conflict, unauthorized } from '../http/errors';
import { logger } from '../logger';
import { readRefreshToken, signAccessToken, signRefreshToken, TokenError } from './jwt';
import { requireAuth, type AuthedRequest } from './middleware';
import { hashPassword, needsRehash, passwordPolicyProblem, verifyPassword } from './password';

const Credentials = z.object({
  email: z.string().trim().email().max(254),
  password: z.string().min(1).max(200),
});

const RefreshBody = z.object({ refreshToken: z.string().min(1) });

export const authRouter = Router();

function issueTokens(user: { id: string; email: string; role: 'customer' | 'staff' | 'admin' }) {
  return {
    tokenType: 'Bearer',
    accessToken: signAccessToken(user),
    refreshToken: signRefreshToken(user.id),
  };
}

authRouter.post(
  '/register',
  asyncHandler(async (req, res) => {
    const { email, password } = Credentials.parse(req.body);
    const problem = passwordPolicyProblem(password);
    if (problem) throw badRequest(problem);

    if (await findUserByEmail(email)) {
      throw conflict('An account with this email already exists');
    }
    try {
      const user = await createUser({ email, passwordHash: await hashPassword(password) });
      res.status(201).json({ user: toPublicUser(user), ...issueTokens(user) });
    } catch (err) {
      // Two concurrent sign-ups can both pass the look-up above.
      if ((err as { code?: string }).code === '23505') throw conflict('An account with this email already exists');
      throw err;
    }
  }),
);

authRouter.post(
  '/login',
  asyncHandler(async (req, res) => {
    const { email, password } = Credentials.parse(req.body);
    const user = await findUserByEmail(email);
    const ok = await verifyPassword(password, user?.password_hash);
    if (!user || !ok) {
      logger.info({ email }, 'failed login');
      throw unauthorized('Invalid email or password');
    }
    if (needsRehash(user.password_hash)) {
      await updatePasswordHash(user.id, await hashPassword(password));
    }
    await recordLogin(user.id);
    res.json({ user: toPublicUser(user), ...issueTokens(user) });
  }),
);

authRouter.post(
  '/refresh',
  asyncHandler(async (req, res) => {
    const { refreshToken } = RefreshBody.parse(req.body);
    let userId: string;
    try {
      userId = readRefreshToken(refreshToken).sub;
    } catch (err) {
      if (err instanceof TokenError) throw unauthorized('Invalid refresh token');
      throw err;
    }
    const user = await findUserById(userId);
    if (!user) throw unauthorized('Invalid refresh token');
    res.json(issueTokens(user));
  }),
);

authRouter.get(
  '/me',
  requireAuth,
  asyncHandler<AuthedRequest>(async (req, res) => {
    const user = await findUserById(req.user.id);
    if (!user) throw unauthorized();
    res.json({ user: toPublicUser(user) });
  }),
);
