import { createRouter } from '../../../lib/router';
import { operations } from './operations';

export const router = createRouter([], { operations });
