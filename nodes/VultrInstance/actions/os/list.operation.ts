import type { INodeProperties } from 'n8n-workflow';

import { catalogList } from '../../helpers/catalogList';

export const description: INodeProperties[] = [];

export const execute = catalogList('/os', 'os');
