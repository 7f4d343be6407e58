import { preparePowerDnsBackend } from './powerdns';
import { prepareServer } from './servers';
import { prepareTwin } from './twin';

export default function globalSetup(): void {
	prepareServer('caddy', 'caddy', 'caddy');
	// Not a server, but installed and reported the same way: tests check generated keys with it.
	prepareServer('ssh-keygen', 'ssh-keygen', 'openssh-client');
	// Debian keeps the server binaries off PATH, under /usr/lib/postgresql/<major>/bin (bookworm: 15).
	prepareServer('postgresql', '/usr/lib/postgresql/15/bin/postgres', 'postgresql');
	prepareTwin();
	prepareServer('powerdns', 'pdns_server', 'pdns-server');
	preparePowerDnsBackend();
	// n8n's queue mode (test/e2e/queueMode.test.ts) and the production compose file's check.
	prepareServer('redis', 'redis-server', 'redis-server');
	prepareServer('docker-compose', 'docker-compose', 'docker-compose');
}
