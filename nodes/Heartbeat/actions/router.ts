import type { IExecuteFunctions } from 'n8n-workflow';

import { createRouter } from '../../../lib/router';
import { openStore } from '../storage/open';
import type { HeartbeatStore } from '../storage/types';
import * as deadLetter from './deadLetter/DeadLetter.resource';
import * as queue from './queue/Queue.resource';
import * as source from './source/Source.resource';

/** The chosen store (kept open between executions, see openStore), for the operation to run on. */
async function storeForOperation(this: IExecuteFunctions): Promise<[HeartbeatStore]> {
	return [await openStore.call(this)];
}

export const router = createRouter(['resource'], { source, queue, deadLetter }, storeForOperation);
