import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { openMongoStore } from '../../src/store/mongo/index.js';
import { describeStoreContract } from './store-contract.js';

const uri = process.env.MONGODB_URI;

if (uri) {
  // a fresh database per opened store; dropped when the store is disposed of
  describeStoreContract('MongoDB (two connections)', async () => {
    const dbName = `gatehouse_contract_${Date.now()}_${randomBytes(4).toString('hex')}`;
    const store = await openMongoStore(uri, { dbName });
    const peer = await openMongoStore(uri, { dbName });
    return {
      store,
      peer,
      async dispose() {
        await peer.close();
        await store.close();
        const admin = await mongoose.createConnection(uri, { dbName }).asPromise();
        try {
          await admin.dropDatabase();
        } finally {
          await admin.close();
        }
      },
    };
  });
} else {
  const reason = 'MongoDB store contract SKIPPED: MONGODB_URI is not set (no MongoDB server exists on this machine); '
    + 'set MONGODB_URI to a replica set, e.g. mongodb://localhost:27017/?replicaSet=rs0, to run it';
  // eslint-disable-next-line no-console
  console.log(reason);
  describe.skip(reason, () => {
    it('runs the whole store contract against MongoDB', () => undefined);
  });
}
