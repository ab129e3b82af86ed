/** The weighers by name, and how much each counts (a module of its own: requests, presets and weighers all name them). */
export const WEIGHER_NAMES = ["free_memory", "free_cpu", "container_count", "group", "image"] as const;

export type WeigherName = (typeof WEIGHER_NAMES)[number];

/** How much each weigher counts: a preset's, with the deployment's overrides on top. */
export type Multipliers = Readonly<Record<WeigherName, number>>;
