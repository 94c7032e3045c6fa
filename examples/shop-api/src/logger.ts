import pino from 'pino';
import { config } from './config';

export const logger = pino({
  level: config.LOG_LEVEL,
  redact: {
    paths: ['req.headers.authorization', 'password', '*.password', 'password_hash', '*.password_hash'],
    censor: '[redacted]',
  },
});
