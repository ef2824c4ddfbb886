import { expect } from 'chai';
import { createSimulatedVps } from '../../../adapters/vps/simulated-vps.ts';
import { capturingLogger } from '../../support/log-capture.ts';
import { suiteMigratedDatabase } from '../../support/migrated-database.ts';

describe('simulated VPS provider', function () {
  this.timeout(60_000);
  const database = suiteMigratedDatabase();


  it('orders one server per reference, however often it is asked, across instances (a restart)', async () => {
    const { logger, lines } = capturingLogger();
    const first = await createSimulatedVps({ db: database().db, logger }).orderServer({ reference: 'provisioning-a', hostname: 'a.example.com' });
    const again = await createSimulatedVps({ db: database().db, logger }).orderServer({ reference: 'provisioning-a', hostname: 'a.example.com' });
    expect(again).to.deep.equal(first);
    expect(first).to.include({ publicIp: null, status: 'pending' });
    expect(first.orderId).to.match(/^sim-order-/);
    const other = await createSimulatedVps({ db: database().db, logger }).orderServer({ reference: 'provisioning-b', hostname: 'b.example.com' });
    expect(other.serverId).not.to.equal(first.serverId);
    expect(lines.every((line) => line.simulated === true)).to.equal(true);
    expect(lines.map((line) => line.msg)).to.include.members(['simulated VPS ordered', 'simulated VPS already ordered under this reference']);
  });

  it('assigns an address from a documentation block after the configured number of reads', async () => {
    const vps = createSimulatedVps({ db: database().db, logger: capturingLogger().logger, ipAfterPolls: 3 });
    const { serverId } = await vps.orderServer({ reference: 'slow-ip', hostname: 'slow.example.com' });
    expect((await vps.getServer(serverId)).publicIp).to.equal(null);
    expect((await vps.getServer(serverId)).publicIp).to.equal(null);
    const ready = await vps.getServer(serverId);
    expect(ready.status).to.equal('active');
    expect(ready.publicIp).to.match(/^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+$/);
    expect((await vps.getServer(serverId)).publicIp).to.equal(ready.publicIp);
  });

  it('waits for the configured time on its clock as well', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const vps = createSimulatedVps({ db: database().db, logger: capturingLogger().logger, ipAfterPolls: 1, ipAfterMs: 60_000, now: () => now });
    const { serverId } = await vps.orderServer({ reference: 'timed-ip', hostname: 'timed.example.com' });
    expect((await vps.getServer(serverId)).publicIp).to.equal(null);
    now = new Date(now.getTime() + 60_000);
    expect((await vps.getServer(serverId)).publicIp).to.be.a('string');
  });

  it('sets reverse DNS only for the address the server holds', async () => {
    const vps = createSimulatedVps({ db: database().db, logger: capturingLogger().logger });
    const { serverId } = await vps.orderServer({ reference: 'rdns', hostname: 'rdns.example.com' });
    const { publicIp } = await vps.getServer(serverId);
    await vps.setReverseDns({ serverId, ip: publicIp!, hostname: 'rdns.example.com.' });
    expect(await vps.reverseDnsOf(serverId)).to.equal('rdns.example.com');
    await vps.setReverseDns({ serverId, ip: publicIp!, hostname: 'rdns.example.com' });
    let refused: unknown;
    await vps.setReverseDns({ serverId, ip: '10.0.0.1', hostname: 'rdns.example.com' }).catch((e: unknown) => (refused = e));
    expect(String(refused)).to.include('does not hold 10.0.0.1');
  });

  it('refuses bad input and unknown servers with a clear error', async () => {
    const vps = createSimulatedVps({ db: database().db, logger: capturingLogger().logger });
    let error: unknown;
    await vps.orderServer({ reference: 'bad', hostname: 'not a host' }).catch((e: unknown) => (error = e));
    expect(String(error)).to.include('fully qualified host name');
    error = undefined;
    await vps.getServer('sim-nope').catch((e: unknown) => (error = e));
    expect(error).to.have.property('name', 'UnknownServerError');
  });
});
