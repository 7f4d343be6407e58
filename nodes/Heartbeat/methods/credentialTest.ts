import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';
import { Client } from 'pg';

import { credentialSecrets, redactText } from '../../../lib/redact';
import { postgresConfig } from '../storage/open';

/** Really connects with the credential and checks the schema is usable. The password never appears in the message. */
export async function homelabPostgresConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	let client: Client | undefined;
	try {
		const { pool, schema } = postgresConfig(credential.data ?? {});
		client = new Client({ ...pool, connectionTimeoutMillis: 10_000 });
		client.on('error', () => undefined);
		await client.connect();
		const { rows } = await client.query(
			`SELECT current_user AS "user", version() AS version,
				(SELECT count(*) FROM pg_namespace WHERE nspname = $1) AS schema_exists,
				has_database_privilege(current_database(), 'CREATE') AS can_create`,
			[schema],
		);
		const row = rows[0] as {
			user: string;
			version: string;
			schema_exists: string;
			can_create: boolean;
		};
		if (Number(row.schema_exists) === 0 && !row.can_create) {
			return {
				status: 'Error',
				message: `Schema "${schema}" does not exist and user "${row.user}" may not create it`,
			};
		}
		return { status: 'OK', message: `Connected as ${row.user} (${row.version.split(' on ')[0]})` };
	} catch (error) {
		const message = (error as Error).message ?? String(error);
		return { status: 'Error', message: redactText(message, credentialSecrets(credential.data)) };
	} finally {
		await client?.end().catch(() => undefined);
	}
}
