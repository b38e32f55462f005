/**
 * `npm run web`: serve the built renderer and the services on 127.0.0.1.
 * Port from TENTH_PORT (else a free one); data in TENTH_DATA_DIR (else ~/.tenth).
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { startWebHost } from './start';

const port = process.env.TENTH_PORT ? Number(process.env.TENTH_PORT) : 0;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`TENTH_PORT must be a port number, got "${process.env.TENTH_PORT}"`);
  process.exit(2);
}
const dataDir = resolve(process.env.TENTH_DATA_DIR ?? join(homedir(), '.tenth'));

const host = await startWebHost({ port, dataDir });
console.log(`Tenth browser host: ${host.launchUrl}`);
console.log(`Data folder: ${dataDir} (keys in secrets.json, mode 0600)`);

const stop = async () => {
  await host.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
