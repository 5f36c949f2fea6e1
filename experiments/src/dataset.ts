/**
 * The data set: tell a word's language from its spelling. Fixed, seeded train, validation and
 * test splits with the same number of words per language; a word string occurs in at most one
 * split, and words that several dictionaries list are left out (they have no single right
 * label, so they would put irreducible noise into the clean labels).
 */
import { dicStems, loadDicText, normalizeWord } from './dictionaries.js';
import { LANGUAGES } from './languages.js';
import { createRandom, deriveSeed, shuffleInPlace } from './random.js';

/** Sizes and seed of the splits. */
export interface DatasetConfig {
  /** Training words per language. */
  readonly trainPerClass: number;
  /** Validation words per language (clean labels; used to choose checkpoints). */
  readonly valPerClass: number;
  /** Test words per language (clean labels). */
  readonly testPerClass: number;
  /** Seed of the split (fixed across the experiment's seeds, which vary the rest). */
  readonly seed: number;
}

/** One split: words and their (clean) labels, indices into {@link LANGUAGES}. */
export interface Split {
  readonly words: readonly string[];
  readonly labels: Int32Array;
}

/** Per-language counts reported with the data set. */
export interface LanguageStats {
  readonly code: string;
  /** Distinct normalised words in the dictionary. */
  readonly distinctWords: number;
}

/** The three splits and how they were made. */
export interface Dataset {
  readonly config: DatasetConfig;
  readonly train: Split;
  readonly val: Split;
  readonly test: Split;
  /** Candidates dropped because another dictionary lists the same word. */
  readonly sharedDropped: number;
  /** Candidates drawn per language before removing shared words. */
  readonly candidatesPerClass: number;
}

/** Builds the splits from the dictionaries, deterministically from `config`. */
export async function buildDataset(config: DatasetConfig): Promise<Dataset> {
  const perClass = config.trainPerClass + config.valPerClass + config.testPerClass;
  // Draw more candidates than needed, since shared words are dropped afterwards.
  const candidatesPerClass = perClass * 3;
  const owner = new Map<string, number>();
  const candidates: string[][] = [];
  // Pass 1: a seeded random sample of distinct words from each dictionary.
  for (let label = 0; label < LANGUAGES.length; label++) {
    const code = LANGUAGES[label].code;
    const stems = Array.from(dicStems(await loadDicText(code)));
    const order = shuffleInPlace(Int32Array.from(stems.keys()), createRandom(deriveSeed(config.seed, `sample:${code}`)));
    const picked: string[] = [];
    for (let i = 0; i < order.length && picked.length < candidatesPerClass; i++) {
      const word = normalizeWord(stems[order[i]]);
      if (word === undefined || owner.has(word)) continue;
      owner.set(word, label);
      picked.push(word);
    }
    if (picked.length < perClass) {
      throw new Error(`dictionary-${code} has only ${picked.length} usable words, ${perClass} needed`);
    }
    candidates.push(picked);
  }
  // Pass 2: mark every candidate that any other dictionary also lists.
  const shared = new Set<string>();
  for (let label = 0; label < LANGUAGES.length; label++) {
    for (const stem of dicStems(await loadDicText(LANGUAGES[label].code))) {
      // Cheap pre-check on the raw stem before normalising it.
      const lower = stem.toLowerCase();
      if (!owner.has(lower) && lower.normalize('NFC') === lower) continue;
      const word = normalizeWord(stem);
      if (word === undefined) continue;
      const first = owner.get(word);
      if (first !== undefined && first !== label) shared.add(word);
    }
  }
  const train: [string, number][] = [];
  const val: [string, number][] = [];
  const test: [string, number][] = [];
  let sharedDropped = 0;
  candidates.forEach((picked, label) => {
    const unique = picked.filter((word) => !shared.has(word));
    sharedDropped += picked.length - unique.length;
    if (unique.length < perClass) {
      throw new Error(`dictionary-${LANGUAGES[label].code}: only ${unique.length} unshared words of ${perClass}`);
    }
    let i = 0;
    for (const [split, count] of [[train, config.trainPerClass], [val, config.valPerClass], [test, config.testPerClass]] as const) {
      for (let j = 0; j < count; j++) split.push([unique[i++], label]);
    }
  });
  return {
    config,
    train: toSplit(train, deriveSeed(config.seed, 'order:train')),
    val: toSplit(val, deriveSeed(config.seed, 'order:val')),
    test: toSplit(test, deriveSeed(config.seed, 'order:test')),
    sharedDropped,
    candidatesPerClass,
  };
}

function toSplit(pairs: [string, number][], seed: number): Split {
  shuffleInPlace(pairs, createRandom(seed));
  return { words: pairs.map(([word]) => word), labels: Int32Array.from(pairs, ([, label]) => label) };
}
