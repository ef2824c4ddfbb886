import net from 'node:net';

export interface TcpProxy {
  /** host:port clients connect to instead of the target. */
  readonly address: string;
  /** The target "goes down": open connections drop, new ones are refused. */
  cut(): Promise<void>;
  /** The target answers again, on the same address. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** A loopback TCP relay a test can cut, to take the database away from one pool only. */
export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(targetPort, targetHost);
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stopListening = () => new Promise<void>((resolve) => server.close(() => resolve()));
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  let listening = true;
  return {
    address: `127.0.0.1:${port}`,
    async cut() {
      const closing = stopListening();
      listening = false;
      for (const socket of sockets) socket.destroy();
      await closing;
    },
    async restore() {
      await listen(port);
      listening = true;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      if (listening) await stopListening();
      listening = false;
    },
  };
}
