import { SimError, type SimRequest, type Simulator } from '../core/server';
import {
	jsonBody,
	newId,
	paginate,
	vultrDate,
	type FirewallGroupRecord,
	type VultrState,
} from './state';

const MAX_RULES = 50;

function group(state: VultrState, request: SimRequest): FirewallGroupRecord {
	const record = state.firewallGroups.get(request.params['firewall-group-id']);
	if (!record) throw new SimError(404, 'Invalid firewall group.');
	return record;
}

function ruleKey(rule: Record<string, unknown>): string {
	return [
		rule.ip_type,
		String(rule.protocol).toLowerCase(),
		rule.port ?? '',
		rule.subnet,
		rule.subnet_size,
		rule.source ?? '',
	].join('|');
}

function createRule(state: VultrState, request: SimRequest) {
	const record = group(state, request);
	const body = jsonBody(request);
	for (const field of ['ip_type', 'protocol', 'subnet', 'subnet_size']) {
		if (body[field] === undefined || body[field] === '')
			throw new SimError(400, `Missing ${field}.`);
	}
	if (!['v4', 'v6'].includes(String(body.ip_type))) throw new SimError(400, 'Invalid ip_type.');
	const protocol = String(body.protocol).toLowerCase();
	if (!['icmp', 'tcp', 'udp', 'gre', 'esp', 'ah'].includes(protocol))
		throw new SimError(400, 'Invalid protocol.');
	if (
		(protocol === 'tcp' || protocol === 'udp') &&
		!/^\d{1,5}(:\d{1,5})?$/.test(String(body.port ?? ''))
	) {
		throw new SimError(400, 'Invalid port.');
	}
	if (record.rules.length >= MAX_RULES)
		throw new SimError(400, 'Firewall group rule limit reached.');
	const rule = {
		id: record.nextRuleId++,
		type: String(body.ip_type),
		ip_type: String(body.ip_type),
		action: 'accept',
		protocol,
		port: String(body.port ?? ''),
		subnet: String(body.subnet),
		subnet_size: Number(body.subnet_size),
		source: String(body.source ?? ''),
		notes: String(body.notes ?? ''),
	};
	if (record.rules.some((r) => ruleKey(r) === ruleKey(rule)))
		throw new SimError(400, 'Unable to create firewall rule: Duplicate rule');
	record.rules.push(rule);
	record.group.rule_count = record.rules.length;
	record.group.date_modified = vultrDate(state.clock.now());
	return { status: 201, body: { firewall_rule: rule } };
}

export function registerFirewalls(sim: Simulator, state: VultrState): void {
	sim.route('GET', '/firewalls', (req) => ({
		status: 200,
		body: paginate(
			[...state.firewallGroups.values()].map((g) => g.group),
			req,
			'firewall_groups',
			state.maxPerPage,
		),
	}));
	sim.route('POST', '/firewalls', (req) => {
		const body = jsonBody(req);
		const now = vultrDate(state.clock.now());
		const created = {
			id: newId().slice(0, 8),
			description: String(body.description ?? ''),
			date_created: now,
			date_modified: now,
			instance_count: 0,
			rule_count: 0,
			max_rule_count: MAX_RULES,
		};
		state.firewallGroups.set(created.id, { group: created, rules: [], nextRuleId: 1 });
		return { status: 201, body: { firewall_group: created } };
	});
	sim.route('GET', '/firewalls/{firewall-group-id}', (req) => ({
		status: 200,
		body: { firewall_group: group(state, req).group },
	}));
	sim.route('DELETE', '/firewalls/{firewall-group-id}', (req) => {
		group(state, req);
		state.firewallGroups.delete(req.params['firewall-group-id']);
		return { status: 204 };
	});
	sim.route('GET', '/firewalls/{firewall-group-id}/rules', (req) => ({
		status: 200,
		body: paginate(group(state, req).rules, req, 'firewall_rules', state.maxPerPage),
	}));
	sim.route('POST', '/firewalls/{firewall-group-id}/rules', (req) => createRule(state, req));
	sim.route('DELETE', '/firewalls/{firewall-group-id}/rules/{firewall-rule-id}', (req) => {
		const record = group(state, req);
		const index = record.rules.findIndex((r) => String(r.id) === req.params['firewall-rule-id']);
		if (index < 0) throw new SimError(404, 'Invalid firewall rule.');
		record.rules.splice(index, 1);
		record.group.rule_count = record.rules.length;
		return { status: 204 };
	});
}
