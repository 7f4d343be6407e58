import type { INodePropertyOptions } from 'n8n-workflow';

/** Vultr's plan families, for the plan filters of Create Instance and List Plans. */
export const planTypeOptions: INodePropertyOptions[] = [
	{ name: 'All', value: 'all' },
	{ name: 'Cloud Compute (Vc2)', value: 'vc2' },
	{ name: 'Dedicated Cloud (Vdc)', value: 'vdc' },
	{ name: 'High Frequency (Vhf)', value: 'vhf' },
	{ name: 'High Performance (Vhp)', value: 'vhp' },
	{ name: 'Optimized Cloud (Voc)', value: 'voc' },
];
