import { startEsdbDouble, type EsdbDouble } from '../../scripts/esdb-double/server.ts';

/**
 * An EventStoreDB for a test, the most real one that answers:
 * - `live`: the server named by EVENTSTORE_CONNECTION_STRING (shared, never stopped by a test);
 * - `container`: a KurrentDB container started by testcontainers, when a Docker engine answers;
 * - `double`: the in-repo wire double (`scripts/esdb-double`), which needs nothing.
 */
export interface TestEventStoreDb {
  readonly connectionString: string;
  readonly kind: 'live' | 'container' | 'double';
  /** Set when `kind` is `double`: its faults (dropped subscriptions, restarts) are the test's to use. */
  readonly double?: EsdbDouble;
  stop(): Promise<void>;
}

/** The KurrentDB image a container runs (override with TEST_KURRENTDB_IMAGE). */
const KURRENTDB_IMAGE = process.env.TEST_KURRENTDB_IMAGE || 'kurrentplatform/kurrentdb:25.1';
/** A Docker engine that exists answers well within this; none answering is the common case here. */
const DOCKER_PROBE_MS = 2_000;

export type TestEventStoreDbKind = TestEventStoreDb['kind'];

/** Which server `startTestEventStoreDb` will start, known before it starts (for a suite's title). */
export async function testEventStoreDbKind(): Promise<TestEventStoreDbKind> {
  if (process.env.EVENTSTORE_CONNECTION_STRING) return 'live';
  return (await dockerAnswers()) ? 'container' : 'double';
}

export async function startTestEventStoreDb(kind?: TestEventStoreDbKind): Promise<TestEventStoreDb> {
  const chosen = kind ?? (await testEventStoreDbKind());
  const live = process.env.EVENTSTORE_CONNECTION_STRING;
  if (chosen === 'live' && live) return { connectionString: live, kind: 'live', async stop() {} };

  if (chosen === 'container') {
    const { KurrentDbContainer } = await import('@testcontainers/kurrentdb');
    const container = await new KurrentDbContainer(KURRENTDB_IMAGE).start();
    return {
      connectionString: container.getConnectionString(),
      kind: 'container',
      async stop() {
        await container.stop();
      },
    };
  }

  const double = await startEsdbDouble();
  return { connectionString: double.connectionString, kind: 'double', double, stop: () => double.stop() };
}

/**
 * Whether a Docker engine answers, asked through testcontainers' own discovery (DOCKER_HOST,
 * ~/.testcontainers.properties, the usual sockets) so the answer matches what starting a
 * container would find. Quiet: no engine is not an error here.
 */
let dockerProbe: Promise<boolean> | undefined;

async function dockerAnswers(): Promise<boolean> {
  dockerProbe ??= probeDocker();
  return dockerProbe;
}

async function probeDocker(): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), DOCKER_PROBE_MS);
  });
  const probe = import('testcontainers')
    .then(async ({ getContainerRuntimeClient }) => {
      await getContainerRuntimeClient();
      return true;
    })
    .catch(() => false);
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
