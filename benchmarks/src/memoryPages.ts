/**
 * How the benchmark's large blocks of memory are paged. A gradient at n = 100000 (batch 256) is
 * 205 MB of float64, handed to the caller fresh on every call: glibc maps a block that large
 * from the system each time, and every 4 KiB page of it faults on first touch. Where faults are
 * costly, as on a virtual machine, they are a large part of such a call (docs/core.md has the
 * figures); with transparent huge pages a fault maps 2 MiB. The benchmark runs in the
 * environment it is given, and the report says which pages that was.
 */
import { readFileSync } from 'node:fs';

/** The glibc tunable that has malloc advise transparent huge pages for the blocks it maps (glibc 2.35 and later). */
export const HUGE_PAGES_TUNABLE = 'glibc.malloc.hugetlb=1';

/** Where Linux says when it gives transparent huge pages: `always`, `madvise` or `never`. */
const THP_SETTING = '/sys/kernel/mm/transparent_hugepage/enabled';

/** The paging of a run's large blocks. */
export interface MemoryPages {
  /** Whether `GLIBC_TUNABLES` had {@link HUGE_PAGES_TUNABLE}. */
  readonly glibcHugePages: boolean;
  /** The kernel's transparent huge page setting, or null where there is none to read (not Linux). */
  readonly transparentHugePages: string | null;
}

/** The chosen word of a setting file such as `always [madvise] never`. */
export function chosenSetting(text: string): string | null {
  return /\[(\w+)\]/.exec(text)?.[1] ?? null;
}

/** Reads this process's paging of large blocks. */
export function describeMemoryPages(env: NodeJS.ProcessEnv = process.env, readSetting = () => readFileSync(THP_SETTING, 'utf8')): MemoryPages {
  let transparentHugePages: string | null;
  try {
    transparentHugePages = chosenSetting(readSetting());
  } catch {
    transparentHugePages = null;
  }
  const tunables = (env.GLIBC_TUNABLES ?? '').split(':');
  return { glibcHugePages: tunables.includes(HUGE_PAGES_TUNABLE), transparentHugePages };
}

/** Whether large blocks get transparent huge pages: always, or on glibc's advice where the kernel waits for it. */
export function onHugePages(pages: MemoryPages): boolean {
  const thp = pages.transparentHugePages;
  return thp === 'always' || (thp === 'madvise' && pages.glibcHugePages);
}

/** One sentence for the report's page: which pages large blocks got, and what that does to the times at n = 100000. */
export function memoryPagesSentence(pages: MemoryPages): string {
  const thp = pages.transparentHugePages;
  if (onHugePages(pages)) {
    const how = thp === 'always' ? "the kernel's setting `always`" : `\`GLIBC_TUNABLES=${HUGE_PAGES_TUNABLE}\` with the kernel's setting \`madvise\``;
    return `Large blocks of memory on transparent huge pages (${how}): the fresh gradient of hundreds of MB that a call at n = 100000 hands out faults in 2 MiB at a time.`;
  }
  const reason = thp === 'madvise' ? `\`GLIBC_TUNABLES=${HUGE_PAGES_TUNABLE}\` was not set` : `the kernel's transparent huge pages are \`${thp ?? 'unavailable'}\``;
  return (
    `Large blocks of memory on 4 KiB pages (${reason}): the fresh gradient of hundreds of MB that a call at n = 100000 hands out faults in page by page, ` +
    'which where faults are costly (a virtual machine) is part of the times at that n. [core.md](core.md#wide-rows-and-fresh-memory) shows how to put such blocks on huge pages.'
  );
}
