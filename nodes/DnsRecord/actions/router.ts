import { createRouter } from '../../../lib/router';
import * as record from './record/Record.resource';

export const router = createRouter(['resource'], { record });
