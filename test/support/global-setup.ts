import { preparePowerDnsBackend } from './powerdns';
import { prepareServer } from './servers';
import { prepareTwin } from './twin';

export default function globalSetup(): void {
	prepareServer('caddy', 'caddy', 'caddy');
	// Debian keeps the server binaries off PATH, under /usr/lib/postgresql/<major>/bin (bookworm: 15).
	prepareServer('postgresql', '/usr/lib/postgresql/15/bin/postgres', 'postgresql');
	prepareTwin();
	prepareServer('powerdns', 'pdns_server', 'pdns-server');
	preparePowerDnsBackend();
}
