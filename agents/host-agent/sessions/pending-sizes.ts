/**
 * Sizes asked for an exec before its session started it (python-zunclient
 * resizes as soon as it connects, while the agent is still starting the exec):
 * the bridge applies them once the exec runs.
 */
export const pendingExecSizes = new Map<string, { h: number; w: number }>();
