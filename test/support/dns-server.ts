import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

/** A DNS server answering TXT questions from a map, for `sso.dnsServers` in tests. */
export interface DnsServer {
  /** `127.0.0.1:<port>`, as `sso.dnsServers` takes it */
  address: string;
  /** the TXT records of a name (each record a list of strings); none: the name does not exist (NXDOMAIN) */
  setTxt(name: string, records: string[][] | null): void;
  /** how many questions it was asked */
  readonly questions: number;
  close(): Promise<void>;
}

const TXT = 16;

/** The name and type asked in a query (one question, no compression in questions). */
function question(msg: Buffer): { name: string; type: number; end: number } {
  const labels: string[] = [];
  let at = 12;
  while (msg[at] !== 0) {
    labels.push(msg.subarray(at + 1, at + 1 + msg[at]).toString('ascii'));
    at += msg[at] + 1;
  }
  return { name: labels.join('.').toLowerCase(), type: msg.readUInt16BE(at + 1), end: at + 5 };
}

function answer(query: Buffer, records: string[][] | undefined): Buffer {
  const q = question(query);
  const found = records && q.type === TXT ? records : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  // a response, recursion desired (copied) and available; NXDOMAIN for a name without records
  header.writeUInt16BE(0x8180 | (query.readUInt16BE(2) & 0x0100) | (records ? 0 : 3), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(found.length, 6);
  const rrs = found.map((strings) => {
    const rdata = Buffer.concat(strings.map((s) => Buffer.concat([Buffer.from([Buffer.byteLength(s)]), Buffer.from(s)])));
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0);
    rr.writeUInt16BE(TXT, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(60, 6);
    rr.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([rr, rdata]);
  });
  return Buffer.concat([header, query.subarray(12, q.end), ...rrs]);
}

/** Starts the server on 127.0.0.1, on a free UDP port. */
export async function startDnsServer(): Promise<DnsServer> {
  const zone = new Map<string, string[][]>();
  const socket = createSocket('udp4');
  let questions = 0;
  socket.on('message', (msg, from) => {
    questions++;
    socket.send(answer(msg, zone.get(question(msg).name)), from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    setTxt(name, records) {
      if (records) zone.set(name.toLowerCase(), records);
      else zone.delete(name.toLowerCase());
    },
    get questions() { return questions; },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
