import { describe, expect, it } from 'vitest';
import { spread } from '../src/summary.js';
import { spliceSection } from '../src/report.js';

describe('spread', () => {
  it('is the mean and the sample standard deviation', () => {
    const s = spread([1, 2, 3, 4]);
    expect(s.mean).toBe(2.5);
    expect(s.sd).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(s.n).toBe(4);
    expect(spread([0.7])).toEqual({ mean: 0.7, sd: 0, n: 1 });
    expect(spread([]).n).toBe(0);
  });
});

describe('spliceSection', () => {
  it('replaces only the text between a profile\'s markers, and appends a missing section', () => {
    const first = spliceSection('# Page\n\nhand-written\n', 'pilot', 'table one');
    expect(first).toContain('hand-written');
    expect(first).toContain('table one');
    const second = spliceSection(`${first}\nmore hand-written text\n`, 'pilot', 'table two');
    expect(second).not.toContain('table one');
    expect(second).toContain('table two');
    expect(second).toContain('more hand-written text');
    expect(second.match(/generated:pilot:begin/g)).toHaveLength(1);
  });
});
