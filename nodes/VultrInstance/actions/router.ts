import { createRouter } from '../../../lib/router';
import * as firewall from './firewall/Firewall.resource';
import * as instance from './instance/Instance.resource';
import * as os from './os/Os.resource';
import * as plan from './plan/Plan.resource';
import * as region from './region/Region.resource';
import * as snapshot from './snapshot/Snapshot.resource';
import * as sshKey from './sshKey/SshKey.resource';

export const router = createRouter(['resource'], {
	instance,
	region,
	plan,
	os,
	sshKey,
	firewall,
	snapshot,
});
