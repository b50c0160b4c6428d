import { build } from 'esbuild';
await build({ entryPoints: ['/tmp/mb/parse2.ts'], bundle: true, format: 'cjs', platform: 'node', outfile: '/tmp/mb/parse2.cjs', logLevel: 'warning' });
