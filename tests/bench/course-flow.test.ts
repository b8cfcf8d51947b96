import { describe, expect, it } from 'vitest';
import { flowTable, type FlowRound } from '../../bench/course-flow';

const rounds = (totals: number[]): FlowRound[] => totals.map((totalMs) => ({ totalMs, steps: [] }));

describe('flowTable', () => {
  it('divides our median by the original’s and holds it to the 1.35 target', () => {
    const printed = flowTable(rounds([300, 100, 200]), rounds([150, 100, 200]));
    expect(printed).toContain('| ours (`npm start`) | 3 | 200 | 300 |  |');
    expect(printed).toContain('| Flask original | 3 | 150 | 200 |  |');
    expect(printed).toContain('| ours / Flask |  | 1.33 | 1.50 | met |');
  });

  it('says MISSED when ours takes more than 1.35 times as long', () => {
    const printed = flowTable(rounds([250, 250, 250]), rounds([180, 180, 180]));
    expect(printed).toContain('| ours / Flask |  | 1.39 | 1.39 | MISSED |');
  });
});
