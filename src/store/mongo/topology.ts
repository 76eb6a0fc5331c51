import type { Connection } from 'mongoose';

/** MongoDB 5.0's wire version: the oldest server Gatehouse runs on. */
export const MIN_WIRE_VERSION = 13;

/** The parts of a `hello` reply that tell what kind of deployment answered. */
export interface HelloReply {
  setName?: string;
  msg?: string;
  maxWireVersion?: number;
}

/**
 * Why a server cannot hold Gatehouse's data, or null when it can: it must be a replica set
 * member or a mongos (transactions keep the API-key cap, rotations and usage flushes exact, and
 * majority writes survive the loss of a node), and MongoDB 5.0 or newer (oidc-provider payloads
 * hold keys with dots and `$`, which older servers refuse).
 */
export function topologyProblem(hello: HelloReply): string | null {
  if (!hello.setName && hello.msg !== 'isdbgrid') {
    return 'MongoDB is a standalone server: Gatehouse needs a replica set or a sharded cluster (transactions keep key caps, '
      + 'rotations and usage counts exact); a one-node replica set will do, see docker-compose.yml';
  }
  if ((hello.maxWireVersion ?? 0) < MIN_WIRE_VERSION) {
    return `MongoDB is older than 5.0 (wire version ${hello.maxWireVersion ?? 'unknown'}): Gatehouse needs 5.0 or newer`;
  }
  return null;
}

/** Asks the server what it is. @throws naming the problem (see {@link topologyProblem}) */
export async function assertSupportedServer(conn: Connection): Promise<void> {
  if (!conn.db) throw new Error('MongoDB connection is not open');
  const hello = await conn.db.admin().command({ hello: 1 }) as HelloReply;
  const problem = topologyProblem(hello);
  if (problem) throw new Error(problem);
}
