/** Jest glue: suites that need the official API descriptions skip visibly without them (fail under CI). */
import { specsAvailable } from './conformance';
import { missingSpecsMessage } from './specs';
import type { Simulator } from './server';
import { describeUnavailable } from '../../support/servers';

export function describeWithSpecs(files: string[], title: string, body: () => void): void {
	if (specsAvailable(...files)) describe(title, body);
	else describeUnavailable(title, 'the API descriptions', missingSpecsMessage(files));
}

/** Every exchange of the test so far conformed to the spec; clears the list for the next test. */
export function expectConformance(sim: Simulator): void {
	const problems = sim.violations.splice(0);
	expect(problems).toEqual([]);
}
