/**
 * The classes: 100 glyphs from the Latin, Greek and Cyrillic alphabets and the digits, chosen
 * as 20 families of five shapes that are easy to confuse (O, o, Q, D, 0; I, l, 1, i, j; ...), so
 * that top-1 accuracy stays well below 100 % and top-5 is a meaningful target, as on CIFAR-100.
 *
 * Class ids follow code-point order (as CIFAR-100's follow alphabetical order). Two groupings of
 * the ids into 20 groups of five drive the label noise:
 * - `blocks`: consecutive ids, `label - label % 5 + U{0..4}`, as the official code forms them
 *   (in code-point order these mix shape families, as CIFAR's alphabetical blocks mix
 *   super-classes);
 * - `families`: the 20 shape families, the semantic grouping (CIFAR's super-classes).
 */

/** The 20 shape families, five glyphs each. */
export const GLYPH_FAMILIES: readonly string[] = [
  'OoQD0', 'CcGeε', 'Il1ij', 'bdpq6', 'nhmrп', 'VvWwy', 'XxKkЖ', 'Zz27ζ', 'Ss58B', '3ЗзЭэ',
  'EFLTΓ', 'PRЯρ9', 'AaαΔΛ', 'HNMИЙ', 'UuμЦц', 'tf4Чч', 'ШшЩщω', 'ЬьЪъЫ', 'ΣΞΠπσ', 'ΦφΨψЮ',
];

/** Number of labels per noise group, in both groupings (the paper's CIFAR-100 super-classes). */
export const GROUP_SIZE = 5;

/** The glyph of each class id, in code-point order. */
export const GLYPHS: readonly string[] = [...GLYPH_FAMILIES.join('')].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);

/** How noise groups are formed. */
export type Grouping = 'blocks' | 'families';

/** The groups of a grouping: arrays of class ids, each of {@link GROUP_SIZE}. */
export function groupsOf(grouping: Grouping): readonly (readonly number[])[] {
  if (grouping === 'blocks') {
    return Array.from({ length: GLYPHS.length / GROUP_SIZE }, (_, g) => Array.from({ length: GROUP_SIZE }, (_, i) => g * GROUP_SIZE + i));
  }
  return GLYPH_FAMILIES.map((family) => [...family].map((glyph) => GLYPHS.indexOf(glyph)).sort((a, b) => a - b));
}

/** For each class id, the class ids of its group (itself included) under `grouping`. */
export function groupMembers(grouping: Grouping): readonly (readonly number[])[] {
  const members: (readonly number[])[] = new Array(GLYPHS.length);
  for (const group of groupsOf(grouping)) for (const label of group) members[label] = group;
  return members;
}
