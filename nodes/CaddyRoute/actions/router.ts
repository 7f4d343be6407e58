import { createRouter } from '../../../lib/router';
import * as route from './route/Route.resource';
import * as server from './server/Server.resource';

export const router = createRouter(['resource'], { route, server });
