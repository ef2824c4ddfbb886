import { expect } from 'chai';
import { describeCopyProgress, describeVerifyProgress, throttle } from '../../src/streams/progress-line.ts';

describe('streams copy: progress lines', () => {
  it('shows events done of the total, this run’s copied and skipped events, streams and rate', () => {
    expect(describeCopyProgress({ eventsRead: 1500, eventsTotal: 4000, copied: 1000, alreadyInTarget: 0, streams: 41, seconds: 2 })).to.equal(
      'streams copy: 1,500/4,000 events (37%): 1,000 copied, 0 already in the target, 41 streams, 500 events/s',
    );
  });

  it('shows the count alone when the source cannot count, and never more than 100%', () => {
    expect(describeCopyProgress({ eventsRead: 7, eventsTotal: null, copied: 3, alreadyInTarget: 4, streams: 2, seconds: 0 })).to.equal(
      'streams copy: 7 events: 3 copied, 4 already in the target, 2 streams, 0 events/s',
    );
    // A live source outgrows the estimate taken at the start.
    expect(describeCopyProgress({ eventsRead: 12, eventsTotal: 10, copied: 12, alreadyInTarget: 0, streams: 1, seconds: 1 })).to.match(/ 12\/12 events \(100%\)/);
    expect(describeCopyProgress({ eventsRead: 0, eventsTotal: 0, copied: 0, alreadyInTarget: 0, streams: 0, seconds: 1 })).to.match(/ 0\/0 events \(100%\)/);
  });

  it('shows how far verification has read', () => {
    expect(describeVerifyProgress('target', 12_345)).to.equal('streams copy: verifying: 12,345 events of the target read');
  });

  it('lets a line through at most once per interval, the first one and forced ones always', () => {
    let now = 0;
    const due = throttle(1000, () => now);
    expect(due()).to.equal(true);
    now = 999;
    expect(due()).to.equal(false);
    expect(due(true)).to.equal(true);
    now = 1998;
    expect(due()).to.equal(false);
    now = 1999;
    expect(due()).to.equal(true);
  });
});
