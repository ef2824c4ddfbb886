import { expect } from 'chai';
import { summariseCpuProfile, type CpuProfile } from '../../scripts/bench/cpu-profile-summary.ts';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

describe('CPU profile summary (npm run profile:ingest)', () => {
  // root → ingest (ours) → pg query → writev (native); root → (idle); root → (garbage collector)
  const profile: CpuProfile = {
    startTime: 1_000,
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 5, 6] },
      { id: 2, callFrame: frame('append', 'file:///app/src/webhooks/ingest.ts', 10), children: [3] },
      { id: 3, callFrame: frame('query', 'file:///app/node_modules/pg/lib/client.js', 500), children: [4] },
      { id: 4, callFrame: frame('writev'), children: [] },
      { id: 5, callFrame: frame('(idle)'), children: [] },
      { id: 6, callFrame: frame('(garbage collector)'), children: [] },
    ],
    samples: [2, 4, 4, 5, 6, 3],
    timeDeltas: [1_000, 1_000, 1_000, 5_000, 1_000, 1_000],
  };

  it('charges native code to the package that called it, keeps idle apart, and gives shares of the busy time', () => {
    const summary = summariseCpuProfile(profile);
    expect(summary.idleMs).to.equal(5);
    expect(summary.busyMs).to.equal(5);
    expect(summary.byOwner.map((s) => [s.name, s.ms])).to.deep.equal([
      ['pg', 3],
      ['src/webhooks/ingest.ts', 1],
      ['(garbage collector)', 1],
    ]);
    expect(summary.byKind[0]).to.deep.include({ name: 'Postgres wire protocol (pg, pg-protocol, pg-pool)', ms: 3, share: 0.6 });
    expect(summary.topFunctions[0]?.name).to.equal('writev (native, called from pg)');
  });

  it('counts only the samples inside the window asked for', () => {
    // Samples end at 2,000, 3,000, 4,000, 9,000, 10,000 and 11,000 µs.
    const summary = summariseCpuProfile(profile, { fromUs: 2_500, toUs: 9_500 });
    expect(summary.busyMs).to.equal(2);
    expect(summary.idleMs).to.equal(5);
  });
});
