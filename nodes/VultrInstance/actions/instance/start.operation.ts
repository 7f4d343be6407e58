import type { INodeProperties } from 'n8n-workflow';

import { powerAction } from './power';
import { instanceIdField } from './shared';

export const description: INodeProperties[] = [instanceIdField(['start'])];

export const execute = powerAction('start');
