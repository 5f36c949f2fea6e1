/** How a run's large blocks of memory are paged, as the report records and states it. */
import { describe, expect, it } from 'vitest';
import { HUGE_PAGES_TUNABLE, chosenSetting, describeMemoryPages, memoryPagesSentence, onHugePages } from '../src/memoryPages.js';

describe('memory pages', () => {
  it("reads the kernel's chosen transparent huge page setting", () => {
    expect(chosenSetting('always [madvise] never\n')).toBe('madvise');
    expect(chosenSetting('[always] madvise never')).toBe('always');
    expect(chosenSetting('always madvise [never]')).toBe('never');
    expect(chosenSetting('')).toBeNull();
  });

  it('finds the glibc tunable among others, and no setting where there is no file', () => {
    const thp = () => 'always [madvise] never';
    expect(describeMemoryPages({ GLIBC_TUNABLES: `glibc.malloc.arena_max=2:${HUGE_PAGES_TUNABLE}` }, thp)).toEqual({ glibcHugePages: true, transparentHugePages: 'madvise' });
    expect(describeMemoryPages({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }, thp).glibcHugePages).toBe(false);
    expect(describeMemoryPages({}, thp).glibcHugePages).toBe(false);
    const missing = () => {
      throw new Error('ENOENT');
    };
    expect(describeMemoryPages({ GLIBC_TUNABLES: HUGE_PAGES_TUNABLE }, missing)).toEqual({ glibcHugePages: true, transparentHugePages: null });
  });

  it('gives huge pages when the kernel always does, or when it waits for advice and glibc gives it', () => {
    expect(onHugePages({ glibcHugePages: false, transparentHugePages: 'always' })).toBe(true);
    expect(onHugePages({ glibcHugePages: true, transparentHugePages: 'madvise' })).toBe(true);
    expect(onHugePages({ glibcHugePages: false, transparentHugePages: 'madvise' })).toBe(false);
    expect(onHugePages({ glibcHugePages: true, transparentHugePages: 'never' })).toBe(false);
    expect(onHugePages({ glibcHugePages: true, transparentHugePages: null })).toBe(false);
  });

  it('says on the page which pages large blocks had, and what was missing', () => {
    expect(memoryPagesSentence({ glibcHugePages: true, transparentHugePages: 'madvise' })).toMatch(/^Large blocks of memory on transparent huge pages \(`GLIBC_TUNABLES=glibc.malloc.hugetlb=1` with the kernel's setting `madvise`\)/);
    expect(memoryPagesSentence({ glibcHugePages: false, transparentHugePages: 'always' })).toMatch(/^Large blocks of memory on transparent huge pages \(the kernel's setting `always`\)/);
    expect(memoryPagesSentence({ glibcHugePages: false, transparentHugePages: 'madvise' })).toMatch(/^Large blocks of memory on 4 KiB pages \(`GLIBC_TUNABLES=glibc.malloc.hugetlb=1` was not set\)/);
    expect(memoryPagesSentence({ glibcHugePages: true, transparentHugePages: 'never' })).toMatch(/^Large blocks of memory on 4 KiB pages \(the kernel's transparent huge pages are `never`\)/);
  });
});
