/**
 * The time source of the Heartbeat node. Operations read it once and pass the timestamp down, so the
 * stores and the liveness state machine never call Date.now() themselves. Tests may replace `now`.
 */
export const clock = {
	now: (): number => Date.now(),
};
