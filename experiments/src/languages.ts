/**
 * The 45 classes of the data set: languages whose hunspell dictionaries are published on npm
 * (wooorm/dictionaries), in 9 coarse groups of 5 by family or script. The groups play the part
 * of CIFAR-100's 20 super-classes of 5: label noise replaces a label by one drawn uniformly
 * from the same group.
 */

/** One class: a language, the npm package holding its dictionary, and its coarse group. */
export interface Language {
  /** ISO 639 code, also the dictionary package suffix (`dictionary-<code>`). */
  readonly code: string;
  /** English name. */
  readonly name: string;
  /** Coarse group name (see {@link LANGUAGE_GROUPS}). */
  readonly group: string;
}

/** Coarse groups, each of exactly five languages, in class order. */
export const LANGUAGE_GROUPS: ReadonlyArray<{ name: string; codes: readonly string[]; names: readonly string[] }> = [
  { name: 'West Romance', codes: ['es', 'pt', 'ca', 'gl', 'fr'], names: ['Spanish', 'Portuguese', 'Catalan', 'Galician', 'French'] },
  { name: 'Italic and Eastern Romance', codes: ['it', 'fur', 'ro', 'la', 'ia'], names: ['Italian', 'Friulian', 'Romanian', 'Latin', 'Interlingua'] },
  { name: 'West Germanic', codes: ['en', 'de', 'nl', 'fy', 'lb'], names: ['English', 'German', 'Dutch', 'Western Frisian', 'Luxembourgish'] },
  { name: 'North Germanic', codes: ['da', 'sv', 'nb', 'nn', 'fo'], names: ['Danish', 'Swedish', 'Norwegian Bokmål', 'Norwegian Nynorsk', 'Faroese'] },
  { name: 'Slavic, Latin script', codes: ['cs', 'sk', 'pl', 'hr', 'sl'], names: ['Czech', 'Slovak', 'Polish', 'Croatian', 'Slovenian'] },
  { name: 'Slavic, Cyrillic script', codes: ['ru', 'uk', 'bg', 'mk', 'be'], names: ['Russian', 'Ukrainian', 'Bulgarian', 'Macedonian', 'Belarusian'] },
  { name: 'Baltic and Uralic', codes: ['lt', 'lv', 'ltg', 'et', 'hu'], names: ['Lithuanian', 'Latvian', 'Latgalian', 'Estonian', 'Hungarian'] },
  { name: 'Celtic and Basque', codes: ['ga', 'gd', 'cy', 'br', 'eu'], names: ['Irish', 'Scottish Gaelic', 'Welsh', 'Breton', 'Basque'] },
  { name: 'Other scripts', codes: ['el', 'he', 'ka', 'hy', 'fa'], names: ['Greek', 'Hebrew', 'Georgian', 'Armenian', 'Persian'] },
];

/** Every class in label order: label i is `LANGUAGES[i]`. */
export const LANGUAGES: readonly Language[] = LANGUAGE_GROUPS.flatMap((group) =>
  group.codes.map((code, i) => ({ code, name: group.names[i], group: group.name })),
);

/** Group index of every label (labels of one group are contiguous, five per group). */
export const GROUP_OF_LABEL: Int32Array = Int32Array.from(
  LANGUAGES.map((language) => LANGUAGE_GROUPS.findIndex((group) => group.name === language.group)),
);

/** Labels of every group, indexed by group. */
export const LABELS_OF_GROUP: readonly (readonly number[])[] = LANGUAGE_GROUPS.map((_, g) =>
  LANGUAGES.map((_, label) => label).filter((label) => GROUP_OF_LABEL[label] === g),
);
