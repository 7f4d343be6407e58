import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { InputError, assertNoControlChars } from '../../../../lib/validation';
import { vultrListAll, vultrObject, vultrRequest } from '../../transport';
import { quoted } from '../../../../lib/errors';

const show = { resource: ['sshKey'], operation: ['ensure'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		hint: 'A key with this name is updated, never duplicated',
		placeholder: 'n8n-admin',
		displayOptions: { show },
	},
	{
		displayName: 'Public Key',
		name: 'publicKey',
		type: 'string',
		required: true,
		default: '',
		hint: 'One line, e.g. the contents of ~/.ssh/id_ed25519.pub',
		placeholder: 'ssh-ed25519 AAAA… admin@laptop',
		displayOptions: { show },
	},
];

const PUBLIC_KEY =
	/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/]+={0,2}( [^\r\n]*)?$/;

function readKey(this: IExecuteFunctions, i: number): { name: string; sshKey: string } {
	const name = assertNoControlChars('Name', String(this.getNodeParameter('name', i))).trim();
	if (!/^[A-Za-z0-9][A-Za-z0-9._ @-]{0,63}$/.test(name))
		throw new InputError(
			'Name',
			`${quoted(name)} must be 1-64 letters, digits, ".", "_", "@", "-" or spaces`,
		);
	const sshKey = String(this.getNodeParameter('publicKey', i)).trim();
	if (!PUBLIC_KEY.test(sshKey))
		throw new InputError(
			'Public Key',
			'is not an OpenSSH public key line ("ssh-ed25519 AAAA… comment")',
		);
	return { name, sshKey };
}

/** Converges on one key with this name: created when missing, updated when its key differs. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const { name, sshKey } = readKey.call(this, i);
		const existing = (await vultrListAll.call(this, '/ssh-keys', 'ssh_keys')).find(
			(key) => key.name === name,
		);
		if (!existing) {
			const created = await vultrObject.call(this, 'POST', '/ssh-keys', 'ssh_key', {
				body: { name, ssh_key: sshKey },
			});
			return { id: created.id, name, action: 'created', changed: true };
		}
		if (String(existing.ssh_key).trim() === sshKey)
			return { id: existing.id, name, action: 'unchanged', changed: false };
		await vultrRequest.call(this, 'PATCH', `/ssh-keys/${String(existing.id)}`, {
			body: { ssh_key: sshKey },
			safe: true,
		});
		return { id: existing.id, name, action: 'updated', changed: true };
	});
}
