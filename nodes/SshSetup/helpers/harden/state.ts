import type { FileState } from '../files';

/**
 * What the steps need to know before deciding whether to change anything, read in ONE round trip
 * at the start of a run: installed packages, managed files (hash, mode, owner), unit states and the
 * client address. A re-run that finds everything in place then costs one command per step at most.
 */
export interface ProfileState {
	installed: Set<string>;
	files: Map<string, FileState>;
	units: Record<string, string>;
	/** Empty when the login is not root (sudo drops SSH_CONNECTION); steps then ask separately. */
	client: string;
}
