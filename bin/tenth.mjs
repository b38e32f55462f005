#!/usr/bin/env node
// The `tenth` command. The CLI is TypeScript shared with the app; tsx compiles it on load.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../electron/cli/main.ts');
const code = await main(process.argv.slice(2));
// Exit now rather than wait for idle keep-alive sockets of the HTTP client to time out.
process.exit(code);
