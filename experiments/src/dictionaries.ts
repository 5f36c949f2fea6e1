/**
 * Word lists from the hunspell dictionaries on npm (`dictionary-<code>`, wooorm/dictionaries).
 * Only the stems listed in `index.dic` are used; affix rules are not expanded.
 */

/** Longest word kept, in code points (longer words are rare and only slow the n-gram tensors). */
export const MAX_WORD_LENGTH = 20;
/** Shortest word kept, in code points. */
export const MIN_WORD_LENGTH = 2;

// Letters and combining marks, optionally joined by one apostrophe or hyphen.
const WORD_PATTERN = /^[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*$/u;

/**
 * Turns a word as spelled in a dictionary into the form the data set uses: NFC, lower case,
 * or `undefined` when it is not a plain word (digits, dots, abbreviations, too short or long).
 */
export function normalizeWord(raw: string): string | undefined {
  // Fast path for plain ASCII letters (most entries of most dictionaries).
  if (ASCII_WORD.test(raw)) {
    return raw.length < MIN_WORD_LENGTH || raw.length > MAX_WORD_LENGTH ? undefined : raw.toLowerCase();
  }
  const word = raw.normalize('NFC').toLowerCase();
  if (!WORD_PATTERN.test(word)) return undefined;
  const length = Array.from(word).length;
  if (length < MIN_WORD_LENGTH || length > MAX_WORD_LENGTH) return undefined;
  return word;
}

const ASCII_WORD = /^[A-Za-z]+$/;

/**
 * Iterates over the stems of the text of a hunspell `.dic` file: the first line is the entry
 * count; each entry is `word[/flags][ morphology]`; lines starting with '#' or blanks are skipped.
 */
export function* dicStems(text: string): Generator<string> {
  let start = text.indexOf('\n') + 1;
  while (start > 0 && start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    // The stem ends at the first '/', tab, space or carriage return.
    let stop = start;
    while (stop < end) {
      const c = text.charCodeAt(stop);
      if (c === 47 || c === 9 || c === 32 || c === 13) break;
      stop++;
    }
    if (stop > start && text.charCodeAt(start) !== 35) yield text.slice(start, stop);
    start = end + 1;
  }
}

/** The distinct normalised words of a `.dic` file's text. */
export function parseDic(text: string): Set<string> {
  const words = new Set<string>();
  for (const stem of dicStems(text)) {
    const word = normalizeWord(stem);
    if (word !== undefined) words.add(word);
  }
  return words;
}

/** Raw files of a dictionary package, as its entry point hands them over. */
interface DictionaryFiles {
  readonly aff: Uint8Array;
  readonly dic: Uint8Array;
}

/**
 * Loads `dictionary-<code>` through the package's own entry point. Newer releases export the
 * files as an ES module; older ones (still the latest for some languages) export a loader that
 * takes a Node-style callback.
 */
export async function loadDictionaryFiles(code: string): Promise<DictionaryFiles> {
  const module = (await import(`dictionary-${code}`)) as { default: unknown };
  const entry = module.default;
  if (typeof entry === 'function') {
    return new Promise((resolve, reject) => {
      (entry as (callback: (error: Error | null, files: DictionaryFiles) => void) => void)((error, files) =>
        error ? reject(error) : resolve(files),
      );
    });
  }
  return entry as DictionaryFiles;
}

/** Loads the text of `dictionary-<code>`'s `.dic` file (every package used here is UTF-8). */
export async function loadDicText(code: string): Promise<string> {
  const files = await loadDictionaryFiles(code);
  return new TextDecoder('utf-8').decode(files.dic);
}
