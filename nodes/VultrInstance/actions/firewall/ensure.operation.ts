import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { InputError, assertNoControlChars } from '../../../../lib/validation';
import { desiredRules, planRules, ruleKey } from '../../helpers/firewallRules';
import { parseFirewallGroupId } from '../../helpers/inputs';
import { MANAGED_FIREWALL_PREFIX } from '../../helpers/managed';
import { vultrListAll, vultrObject, vultrRequest } from '../../transport';
import { quoted } from '../../../../lib/errors';

const show = { resource: ['firewall'], operation: ['ensure'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Group Name',
		name: 'groupName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'ingress',
		description: 'The managed group is found (or created) by this name',
		hint: "Run again with the same name to change that group's rules",
		displayOptions: { show },
	},
	{
		displayName: 'Rules',
		name: 'rules',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Rule',
		displayOptions: { show },
		options: [
			{
				displayName: 'Rule',
				name: 'rule',
				values: [
					{
						displayName: 'Protocol',
						name: 'protocol',
						type: 'options',
						options: [
							{ name: 'TCP', value: 'tcp' },
							{ name: 'UDP', value: 'udp' },
							{ name: 'ICMP', value: 'icmp' },
						],
						default: 'tcp',
					},
					{
						displayName: 'Port',
						name: 'port',
						type: 'string',
						default: '',
						placeholder: '443 or 8000:8100',
					},
					{
						displayName: 'Sources',
						name: 'sources',
						type: 'string',
						default: '',
						placeholder: '203.0.113.7/32, 2001:db8::/48',
						description: 'Comma-separated CIDR blocks; empty means anywhere (IPv4 and IPv6)',
					},
				],
			},
		],
	},
	{
		displayName: 'Adopt Group ID',
		name: 'adoptGroupId',
		type: 'string',
		default: '',
		description:
			'Add the rules to this existing group, which the package does not manage: missing rules are added, none removed',
		displayOptions: { show },
	},
];

function groupNameAt(this: IExecuteFunctions, i: number): string {
	const name = assertNoControlChars(
		'Group Name',
		String(this.getNodeParameter('groupName', i)),
	).trim();
	if (!/^[A-Za-z0-9][A-Za-z0-9._ -]{0,47}$/.test(name))
		throw new InputError(
			'Group Name',
			`${quoted(name)} must be 1-48 letters, digits, ".", "_", "-" or spaces`,
		);
	return name;
}

async function findOrCreateGroup(
	this: IExecuteFunctions,
	description: string,
): Promise<{ id: string; created: boolean }> {
	const groups = await vultrListAll.call(this, '/firewalls', 'firewall_groups');
	const found = groups.find((group) => group.description === description);
	if (found) return { id: String(found.id), created: false };
	const created = await vultrObject.call(this, 'POST', '/firewalls', 'firewall_group', {
		body: { description },
	});
	return { id: String(created.id), created: true };
}

/**
 * Declarative: after it runs, the managed group holds exactly the listed rules. A second run with
 * the same list sends no change. Rules are only removed from groups the package manages.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const name = groupNameAt.call(this, i);
		const rows =
			((this.getNodeParameter('rules', i, {}) as IDataObject).rule as IDataObject[] | undefined) ??
			[];
		if (!rows.length)
			throw new InputError(
				'Rules',
				'add at least one rule (an empty Vultr firewall group blocks everything)',
			);
		const desired = desiredRules(rows);
		const adopt = String(this.getNodeParameter('adoptGroupId', i, '')).trim();
		const adoptedId = adopt ? parseFirewallGroupId('Adopt Group ID', adopt) : undefined;
		const group = adoptedId
			? { id: adoptedId, created: false }
			: await findOrCreateGroup.call(this, MANAGED_FIREWALL_PREFIX + name);
		const current = await vultrListAll.call(this, `/firewalls/${group.id}/rules`, 'firewall_rules');
		const plan = planRules(current, desired, !adoptedId);
		for (const rule of plan.remove) {
			await vultrRequest.call(this, 'DELETE', `/firewalls/${group.id}/rules/${String(rule.id)}`);
		}
		for (const rule of plan.add) {
			await vultrRequest.call(this, 'POST', `/firewalls/${group.id}/rules`, { body: { ...rule } });
		}
		return {
			groupId: group.id,
			name,
			managed: !adoptedId,
			createdGroup: group.created,
			added: plan.add.map(ruleKey),
			removed: plan.remove.map(ruleKey),
			unchanged: plan.keep.length,
			changed: group.created || plan.add.length > 0 || plan.remove.length > 0,
		};
	});
}
