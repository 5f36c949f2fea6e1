/**
 * The profiles the browser page offers. They take the Node benchmark's timing policy (warm-up,
 * repetitions, budgets) and change only the sizes: the page measures the speed grid and the
 * head to head with core, not the algorithm and stability grids.
 */
import { PROFILES, type Profile } from '../../src/profiles.js';

/** Names of the page's profiles, smallest first. */
export const PAGE_PROFILE_NAMES = ['smoke', 'quick', 'full'] as const;

/** One of {@link PAGE_PROFILE_NAMES}. */
export type PageProfileName = (typeof PAGE_PROFILE_NAMES)[number];

/** A page profile: a Node profile with the sizes the page runs, under the page's name. */
export interface PageProfile {
  readonly name: PageProfileName;
  /** One line for the profile menu. */
  readonly summary: string;
  readonly profile: Profile;
}

/** The page's profiles; `quick` is the default. */
export const PAGE_PROFILES: Record<PageProfileName, PageProfile> = {
  smoke: {
    name: 'smoke',
    summary: 'batch 32, n = 100, k in {1, 5}: seconds, a first look',
    // Longer budgets than Node's smoke run: a GPU backend compiles its shaders in its first calls.
    profile: { ...PROFILES.smoke, backendBudgetMs: 15000, coreBudgetMs: 15000 },
  },
  quick: {
    name: 'quick',
    summary: 'batch 256, n in {100, 1000, 10000}, k in {1, 5}: a few minutes',
    profile: { ...PROFILES.quick, ns: [100, 1000, 10000], maxRunMs: 3000, coreMaxRunMs: 3000, backendBudgetMs: 20000, coreBudgetMs: 20000 },
  },
  full: {
    name: 'full',
    summary: 'batch 256, n in {100, 1000, 10000, 100000}, k in {1, 2, 5, 10, 50}: the Node default grid, up to an hour on slow backends',
    profile: { ...PROFILES.default, coreExtraKs: [] },
  },
};

/** The profile named `name`, or the default (`quick`) when the name is not one. */
export function pageProfile(name: string | null): PageProfile {
  return (PAGE_PROFILE_NAMES as readonly string[]).includes(name ?? '') ? PAGE_PROFILES[name as PageProfileName] : PAGE_PROFILES.quick;
}
