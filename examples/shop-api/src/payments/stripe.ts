import Stripe from 'stripe';
import { config } from '../config';

export const stripe = new Stripe(config.STRIPE_SECRET_KEY, {
  apiVersion: '2024-12-18.acacia',
  maxNetworkRetries: 2,
  timeout: 10_000,
  appInfo: { name: 'shop-api', version: '1.4.0' },
});
