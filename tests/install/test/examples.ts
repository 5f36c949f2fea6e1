/**
 * The examples of a README as runnable checks. A ```js block is a module run with Node; the
 * ```text block right after it (prose may stand between) is what it prints. A ```console block
 * holds `$ command` lines, each followed by what it prints (stdout and stderr). Other blocks
 * (```sh install lines, ```ts) are not run.
 */

/** One runnable example of a markdown file. */
export type Example =
  | { kind: 'js'; line: number; code: string; expected: string | null }
  | { kind: 'command'; line: number; command: string; expected: string };

interface Block {
  lang: string;
  line: number;
  body: string;
}

function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    out.push({ lang: open[1], line: start + 1, body: body.join('\n') });
  }
  return out;
}

/** The runnable examples of a markdown file, in order. */
export function examples(markdown: string): Example[] {
  const list = blocks(markdown);
  const out: Example[] = [];
  list.forEach((block, i) => {
    if (block.lang === 'js') {
      const next = list[i + 1];
      out.push({ kind: 'js', line: block.line, code: block.body, expected: next?.lang === 'text' ? next.body : null });
    } else if (block.lang === 'console') {
      let current: { kind: 'command'; line: number; command: string; expected: string } | undefined;
      block.body.split('\n').forEach((text, j) => {
        if (text.startsWith('$ ')) {
          current = { kind: 'command', line: block.line + 1 + j, command: text.slice(2), expected: '' };
          out.push(current);
        } else if (current) {
          current.expected += `${text}\n`;
        }
      });
    }
  });
  return out;
}

const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g;

/**
 * Whether printed output matches the documented output: the same text with whitespace
 * ignored, `...` standing for anything, and numbers equal to `relTol` relative (floor 1), so
 * that float32 results of another TF.js build still match. Returns null when it matches, else
 * a description of the first difference.
 */
export function outputMismatch(actual: string, expected: string, relTol = 1e-6): string | null {
  const squash = (s: string) => s.replace(/\s+/g, '');
  const want = squash(expected);
  const numbers: number[] = [];
  let pattern = '';
  let last = 0;
  const tokens = /\.\.\.|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g;
  for (const match of want.matchAll(tokens)) {
    pattern += escape(want.slice(last, match.index));
    if (match[0] === '...') pattern += '.*?';
    else {
      numbers.push(Number(match[0]));
      pattern += `(${NUMBER.source})`;
    }
    last = match.index! + match[0].length;
  }
  pattern += escape(want.slice(last));
  const got = new RegExp(`^${pattern}$`, 's').exec(squash(actual));
  if (!got) return `printed\n${actual}\ninstead of\n${expected}`;
  for (let i = 0; i < numbers.length; i++) {
    const value = Number(got[i + 1]);
    if (!(Math.abs(value - numbers[i]) <= relTol * Math.max(1, Math.abs(numbers[i])))) {
      return `printed ${got[i + 1]} where the README says ${numbers[i]} (number ${i + 1}):\n${actual}`;
    }
  }
  return null;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
