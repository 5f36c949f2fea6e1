/**
 * Character n-gram features: each word, padded with boundary marks, is cut into its n-grams
 * (n = 1..4), and each n-gram is hashed into one of `buckets` embedding rows (the hashing trick).
 * A word becomes a fixed-length row of bucket ids plus pooling weights (1 / count, 0 on padding).
 */

/** How words are turned into bucket ids. */
export interface FeatureConfig {
  /** Number of hash buckets (embedding rows). */
  readonly buckets: number;
  /** Smallest and largest n-gram length. */
  readonly minN: number;
  readonly maxN: number;
  /** Ids per word; longer words keep their first `slots` n-grams. */
  readonly slots: number;
}

/** Ids and pooling weights of many words, row-major `[count, slots]`. */
export interface Features {
  readonly count: number;
  readonly slots: number;
  readonly ids: Int32Array;
  readonly weights: Float32Array;
}

/** FNV-1a over UTF-16 code units, mixed with n so that equal strings of different n differ. */
function hashNgram(codes: readonly number[], start: number, n: number): number {
  let h = (0x811c9dc5 ^ n) >>> 0;
  for (let i = start; i < start + n; i++) {
    h ^= codes[i] & 0xff;
    h = Math.imul(h, 0x01000193);
    h ^= codes[i] >>> 8;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The bucket ids of one word's n-grams (boundary marks included), at most `slots` of them. */
export function wordNgramIds(word: string, config: FeatureConfig): number[] {
  // Code points, with 0x02 / 0x03 as the start / end marks.
  const codes = [0x02, ...Array.from(word, (c) => c.codePointAt(0) ?? 0), 0x03];
  const ids: number[] = [];
  for (let n = config.minN; n <= config.maxN; n++) {
    for (let start = 0; start + n <= codes.length; start++) {
      // Unigrams of the marks carry no information.
      if (n === 1 && (start === 0 || start === codes.length - 1)) continue;
      ids.push(hashNgram(codes, start, n) % config.buckets);
    }
  }
  return ids.slice(0, config.slots);
}

/** Featurises words into fixed-length id rows with mean-pooling weights. */
export function featurize(words: readonly string[], config: FeatureConfig): Features {
  const ids = new Int32Array(words.length * config.slots);
  const weights = new Float32Array(words.length * config.slots);
  words.forEach((word, row) => {
    const wordIds = wordNgramIds(word, config);
    const weight = wordIds.length > 0 ? 1 / wordIds.length : 0;
    wordIds.forEach((id, j) => {
      ids[row * config.slots + j] = id;
      weights[row * config.slots + j] = weight;
    });
  });
  return { count: words.length, slots: config.slots, ids, weights };
}
