import { prepareServer } from './servers';

export default function globalSetup(): void {
	prepareServer('caddy', 'caddy', 'caddy');
}
