import { createRouter } from '../../../lib/router';
import * as authKey from './authKey/AuthKey.resource';
import * as device from './device/Device.resource';
import * as node from './headscaleNode/HeadscaleNode.resource';
import * as preAuthKey from './preAuthKey/PreAuthKey.resource';

export const router = createRouter(['backend', 'resource'], {
	tailscale: { authKey, device },
	headscale: { preAuthKey, node },
});
